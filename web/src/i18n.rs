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
        "play" => if ko { "재생" } else { "play" },
        "pause" => if ko { "일시정지" } else { "pause" },
        "play-title" => if ko { "가상 시계 재생 / 일시정지" } else { "play / pause the virtual clock" },
        "step-button" => if ko { "다음 이벤트" } else { "step" },
        "step-title" => if ko { "다음 이벤트까지 시간을 진행" } else { "advance to the next event" },
        "reset" => if ko { "초기화" } else { "reset" },
        "reset-title" => if ko { "기본 클러스터로 다시 시작" } else { "start again from the default cluster" },
        "share" => if ko { "공유" } else { "share" },
        "share-title" => if ko { "이 클러스터를 다시 만드는 링크" } else { "a link that rebuilds this cluster" },
        "speed" => if ko { "속도 " } else { "speed " },
        "unscheduled" => if ko { "스케줄링 대기 (Unscheduled)" } else { "Unscheduled" },
        "status" => if ko { "상태" } else { "Status" },
        "compacted" => if ko { "마지막 스케줄링 시도가 kubesim이 보관하는 기록(최근 1시간, 최대 50,000개 변경)보다 오래되어 다시 재현할 수 없습니다." } else { "The last scheduling attempt is older than the history kubesim keeps (the last hour, at most 50,000 changes), so it cannot be replayed." },
        "no-attempt" => if ko { "스케줄링 시도 기록이 없습니다: spec.nodeName이나 Binding으로 바인딩되었거나, Static Pod이거나, 아직 시도 전입니다." } else { "No scheduling attempt on record: bound by spec.nodeName or a Binding, a static pod, or not tried yet." },
        _ => "",
    }
}
