fn main() {
    kubesim_web::panic::install();
    leptos::mount::mount_to_body(kubesim_web::App);
}
