"""TwoPhase commit (TLA+ `TwoPhase`) in the revcheck language, next to a hand-written Python BFS.

    python benchmarks/twophase.py          # N = 3, 5, 7 resource managers
    python benchmarks/twophase.py 3 7      # other sizes

The model is Lamport's TwoPhase.tla (the TLA+ examples, "Two-Phase Commit"): a transaction
manager `tm` and N resource managers. Variables: each RM's state (working, prepared,
committed, aborted), the TM's state (init, committed, aborted), the set of RMs the TM knows
prepared, and the message set, here one flag per RM for "Prepared" and one flag each for
"Commit" and "Abort". The published reachable-state counts are 288 for N = 3 and 296,448 for
N = 7; both are asserted. For N = 5 (8,832) the two searches here are held against each other.

Each measurement runs in a fresh subprocess so that peak RSS (`ru_maxrss`) belongs to it
alone. "engine" is `checker.explicit.search.check` end to end (compile, BFS, the invariant
`consistent`, dead ends) on the compiled source; "explore" is the search alone; "plain" is
the hand-written BFS (tuples of small ints, a parent dict) and needs no revcheck. Memory is
peak RSS, and bytes per state is (peak RSS - RSS before the search) / states. States/s are
per CPU second of the run (`time.process_time`), which a busy machine disturbs less than the
wall-clock seconds printed beside them.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = {3: 288, 7: 296_448}  # TwoPhase.tla with TLC
AGREED = {5: 8_832}  # not published: the engine's and the hand-written BFS's count


def twophase_source(n: int) -> str:
    """TwoPhase.tla for `n` resource managers, in the revcheck language."""
    rms = ", ".join(f"rm{i}" for i in range(1, n + 1))
    return f"""procedure twophase_{n} \
"TwoPhase commit, {n} resource managers (Lamport, TwoPhase.tla)"

organ node "a participant of the protocol"
actor tm is node "the transaction manager"
kind protocol_step "a step of the commit protocol"

set rms = {{{rms}}}
var rm_state    : [rms] {{working, prepared, committed, aborted}} = working
var tm_state    : {{init, tm_committed, tm_aborted}} = init
var tm_prepared : [rms] bool = false
var msg_prepared : [rms] bool = false
var msg_commit  : bool = false
var msg_abort   : bool = false

rule tm_rcv_prepared(r in rms) {{ by tm kind protocol_step
  when tm_state == init and msg_prepared[r]
  then tm_prepared[r] := true }}
rule tm_commit {{ by tm kind protocol_step
  when tm_state == init and (forall r in rms: tm_prepared[r])
  then tm_state := tm_committed; msg_commit := true }}
rule tm_abort {{ by tm kind protocol_step
  when tm_state == init
  then tm_state := tm_aborted; msg_abort := true }}
rule rm_prepare(r in rms) {{ by tm kind protocol_step
  when rm_state[r] == working
  then rm_state[r] := prepared; msg_prepared[r] := true }}
rule rm_choose_to_abort(r in rms) {{ by tm kind protocol_step
  when rm_state[r] == working
  then rm_state[r] := aborted }}
rule rm_rcv_commit(r in rms) {{ by tm kind protocol_step
  when msg_commit
  then rm_state[r] := committed }}
rule rm_rcv_abort(r in rms) {{ by tm kind protocol_step
  when msg_abort
  then rm_state[r] := aborted }}

final true

property consistent "TCConsistent: no RM committed while another aborted" {{
  never exists r in rms: exists s in rms: rm_state[r] == committed and rm_state[s] == aborted
}}

expect consistent holds \
"TwoPhase implements TCommit (Lamport, Gray: Consensus on Transaction Commit)"
"""


def plain_bfs(n: int) -> int:
    """The same protocol without revcheck: a state is a tuple of small ints.

    (rm_state[0..n), tm_state, tm_prepared bits, msg_prepared bits, msg_commit, msg_abort)
    with rm states 0 working, 1 prepared, 2 committed, 3 aborted and tm 0 init, 1 committed,
    2 aborted; a parent dict as a checker needs for traces, the invariant checked per state.
    """
    start = (0,) * n + (0, 0, 0, 0, 0)
    parent: dict[tuple[int, ...], tuple[int, ...] | None] = {start: None}
    queue = deque([start])
    everyone = (1 << n) - 1
    while queue:
        s = queue.popleft()
        rm, tm, tp, mp, mc, ma = s[:n], s[n], s[n + 1], s[n + 2], s[n + 3], s[n + 4]
        assert not (2 in rm and 3 in rm), "TCConsistent violated"
        succ: list[tuple[int, ...]] = []
        if tm == 0:
            for i in range(n):
                if mp >> i & 1 and not tp >> i & 1:
                    succ.append(rm + (tm, tp | 1 << i, mp, mc, ma))
            if tp == everyone:
                succ.append(rm + (1, tp, mp, 1, ma))
            succ.append(rm + (2, tp, mp, mc, 1))
        for i in range(n):
            if rm[i] == 0:
                succ.append(rm[:i] + (1,) + rm[i + 1 :] + (tm, tp, mp | 1 << i, mc, ma))
                succ.append(rm[:i] + (3,) + rm[i + 1 :] + (tm, tp, mp, mc, ma))
            if mc:
                succ.append(rm[:i] + (2,) + rm[i + 1 :] + (tm, tp, mp, mc, ma))
            if ma:
                succ.append(rm[:i] + (3,) + rm[i + 1 :] + (tm, tp, mp, mc, ma))
        for t in succ:
            if t not in parent:
                parent[t] = s
                queue.append(t)
    return len(parent)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_one(kind: str, n: int) -> dict[str, float]:
    if kind == "plain":
        before = _rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        states = plain_bfs(n)
    else:
        from checker.core.verdict import Status
        from checker.explicit.search import check, explore
        from dsl.frontend import compile_text

        front = compile_text(twophase_source(n), path=f"twophase_{n}.rev")
        assert front.model is not None, [d.message for d in front.diagnostics]
        before = _rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        if kind == "engine":
            result = check(front.model)
            states = result.states
            assert result.verdicts[0].status is Status.HOLDS, result.verdicts[0]
        else:
            states = len(explore(front.model).states)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    known = PUBLISHED.get(n, AGREED.get(n))
    if known is not None:
        assert states == known, (n, states, known)
    peak = _rss_mb()
    return {"states": states, "seconds": seconds, "cpu": cpu, "peak_mb": peak, "before_mb": before}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], int(argv[2]))))
        return
    sizes = [int(a) for a in argv] or [3, 5, 7]
    print(
        f"{'N':>3} {'run':>7} {'states':>9} {'seconds':>8} {'cpu s':>6} {'states/s':>10} "
        f"{'peak MB':>8} {'bytes/state':>11}"
    )
    for n in sizes:
        for kind in ("engine", "explore", "plain"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", kind, str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            r = json.loads(out.stdout)
            rate = r["states"] / r["cpu"] if r["cpu"] else float("inf")  # per CPU second
            per_state = (r["peak_mb"] - r["before_mb"]) * 1024 * 1024 / r["states"]
            print(
                f"{n:>3} {kind:>7} {r['states']:>9,} {r['seconds']:>8.2f} {r['cpu']:>6.2f} "
                f"{rate:>10,.0f} {r['peak_mb']:>8.0f} {per_state:>11,.0f}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
