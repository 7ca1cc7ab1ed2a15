//! Every shipped lesson is sound: it parses, its topic is one of the study notes', each step's
//! checks fail before its solution runs and pass after (so they catch a learner who has not
//! done the step), and checks never change the cluster. Also: every topic of the notes has a
//! lesson, and every file in static/lessons is shipped.

use kubesim::lessons::{catalog, verify, Lesson};

#[test]
fn every_lesson_file_is_shipped_and_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|f| f.ends_with(".yaml")).collect();
    on_disk.sort();
    let shipped: Vec<String> = catalog::FILES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(on_disk, shipped, "static/lessons and catalog::FILES differ");
    let mut ids = vec![];
    for (file, text) in catalog::FILES {
        let l = Lesson::parse(text).unwrap_or_else(|e| panic!("{}: {}", file, e));
        assert!(!ids.contains(&l.id), "{}: duplicate id {}", file, l.id);
        for t in std::iter::once(&l.title).chain(std::iter::once(&l.intro)).chain(l.steps.iter().map(|s| &s.task)) {
            assert!(!t.en.trim().is_empty() && !t.ko.trim().is_empty(), "{}: a text lacks English or Korean", file);
            // the Korean text is Korean: it has Hangul in it
            assert!(t.ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)), "{}: {:?} has no Hangul", file, t.ko);
        }
        ids.push(l.id);
    }
}

#[test]
fn every_topic_of_the_notes_has_a_lesson() {
    let lessons = catalog::all();
    for t in catalog::TOPICS {
        assert!(lessons.iter().any(|l| l.topic == *t), "no lesson teaches {}", t);
    }
}

#[test]
fn every_lesson_is_sound() {
    let mut failures = vec![];
    for l in catalog::all() {
        let r = verify::verify(&l);
        assert!(r.checks >= r.steps);
        for p in r.problems {
            failures.push(format!("{}: {}", l.id, p));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lesson_files_with_mistakes_are_refused_with_the_field_at_fault() {
    let base = "id: x\ntopic: etcd\ntitle: {en: a, ko: 가}\nintro: {en: a, ko: 가}\nsteps:\n- task: {en: a, ko: 가}\n  solution: echo\n  checks:\n";
    let ok = format!("{}  - run: kubectl get pods\n    contains: x\n", base);
    assert!(Lesson::parse(&ok).is_ok());
    let cases = [
        (format!("{}  - run: kubectl delete pod x\n    contains: x\n", base), "may only read"),
        (format!("{}  - run: kubectl get pods > /root/x\n    contains: x\n", base), "cannot write files"),
        (format!("{}  - run: kubectl get pods\n", base), "needs an expectation"),
        (format!("{}  - run: kubectl get pods\n    pod: x\n    contains: x\n", base), "exactly one of run, pod, file"),
        (format!("{}  - pod: x\n    contains: x\n", base), "pod takes"),
        (format!("{}  - run: kubectl get pods\n    contains: x\n    colour: red\n", base), "unknown field `colour`"),
        (format!("{}  - run: kubectl get pods\n    matches: '('\n", base), "matches:"),
        (base.replace("topic: etcd", "topic: cooking") + "  - pod: x\n    exists: true\n", "topic \"cooking\""),
        (base.replace("ko: 가}\nsteps", "}\nsteps") + "  - pod: x\n    exists: true\n", "missing field `ko`"),
        (base.replace("checks:\n", "checks: []\n"), "at least one check"),
        ("x".repeat(kubesim::lessons::MAX_LESSON_BYTES + 1), "more than"),
    ];
    for (text, want) in cases {
        let e = Lesson::parse(&text).unwrap_err();
        assert!(e.contains(want), "{:?} does not mention {:?}", e, want);
    }
}
