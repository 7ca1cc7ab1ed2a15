//! The playground's own words in English and Korean. Lesson texts carry both languages in
//! their files; these are the labels around them.

use kubesim::lessons::Lang;

pub fn t(lang: Lang, key: &str) -> &'static str {
    let ko = lang == Lang::Ko;
    match key {
        "lessons" => if ko { "레슨" } else { "lessons" },
        "inspector" => if ko { "인스펙터" } else { "inspector" },
        "pick" => if ko { "레슨을 고르세요. 레슨을 시작하면 클러스터가 레슨의 시작 상태로 바뀝니다." } else { "Pick a lesson. Starting one replaces the cluster with the lesson's starting cluster." },
        "steps" => if ko { "단계" } else { "steps" },
        "done" => if ko { "완료" } else { "done" },
        "step" => if ko { "단계" } else { "Step" },
        "check" => if ko { "확인" } else { "Check" },
        "hint" => if ko { "힌트" } else { "Hint" },
        "solution" => if ko { "정답 보기" } else { "Show solution" },
        "run-solution" => if ko { "콘솔에서 실행" } else { "Run it in the console" },
        "next" => if ko { "다음 단계" } else { "Next step" },
        "back" => if ko { "레슨 목록" } else { "All lessons" },
        "restart" => if ko { "처음부터" } else { "Start over" },
        "passed" => if ko { "이 단계를 완료했습니다!" } else { "Step complete!" },
        "not-yet" => if ko { "아직 아닙니다. 확인 결과를 보세요." } else { "Not yet: see what the check found." },
        "finished" => if ko { "레슨을 모두 마쳤습니다. 🎉" } else { "Lesson complete. 🎉" },
        "link" => if ko { "이 레슨 링크" } else { "link to this lesson" },
        "select-pod" => if ko { "Pod를 선택하면 어디에서 실행되는지, 스케줄러가 왜 그 Node를 골랐는지 볼 수 있습니다." } else { "Select a pod to see where it runs and why the scheduler put it there." },
        _ => "",
    }
}
