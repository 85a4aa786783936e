"""Each legal point of the second reading (issue 11), as a situation and the verdict a lawyer gives.

Every point is a property added to the real case by a bill written in a temporary folder
(`extends` the case file), so the case files stay as they are and the point is checked on the
whole model. Amounts are small units: "3 executed, changed to 1" stands for "100 executed, the
award changed to 60" (the difference, 2 units or 40, comes back with fruits).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import check_file
from checker.core.result import CheckOptions
from checker.core.verdict import Status

ROOT = Path(__file__).resolve().parent.parent

H, F = Status.HOLDS, Status.FAILS

# case -> [(property name, body, lawyer's verdict, why)]
POINTS: dict[str, list[tuple[str, str, Status, str]]] = {
    "prc/current": [
        (
            "change_returns_the_difference_with_fruits",
            "reachable rev == restored and basis == changed and obligor == 2 and creditor == 1"
            " and award == with_fruits",
            H,
            "SPC art. 65: 3 executed, changed to 1: 2 come back with fruits, the creditor keeps 1",
        ),
        (
            "change_never_takes_back_what_the_new_document_awards",
            "always basis == changed and rev == restored implies creditor == 1",
            H,
            "SPC art. 65 'in accordance with the new effective legal document'",
        ),
        (
            "remand_without_new_document_happens",
            "reachable basis == revoked and not new_document and creditor > 0",
            H,
            "a judgment set aside and remanded is revoked, with nothing yet to reverse by",
        ),
        (
            "no_reversal_before_the_new_document",
            "never step where kind == initiation and basis != effective and not new_document",
            H,
            "SPC art. 65: 按照新的生效法律文书",
        ),
        (
            "fruits_but_no_damages",
            "never award in {with_damages, with_fruits_and_damages}",
            H,
            "SPC art. 65 orders the property 'together with its fruits'; no text gives damages",
        ),
        (
            "buyer_keeps_the_thing_creditor_returns_the_price",
            "reachable sale == sale_completed and rev == restored and obligor == 3",
            H,
            "auction provisions art. 26; objection provisions art. 21: the sale stands",
        ),
        (
            "no_termination_while_an_objection_is_pending",
            "never step where rule == terminate_reversal "
            "and review in {objected, heard, reconsidering}",
            H,
            "the ruling under review fixes what is owed",
        ),
        (
            "limitation_request_only_after_performance",
            "never step where rule == request_on_limitation_ground and not performed",
            H,
            "Interp. 481(2): 被执行人履行全部或者部分义务后",
        ),
        (
            "procuratorate_can_send_the_ruling_back",
            "never step where rule == procuratorial_recommendation",
            F,
            "CPL 246: the procuratorate supervises execution; nothing limits its recommendations",
        ),
    ],
    "prc/reform_proposal": [
        (
            "dismissal_on_the_merits_can_become_effective",
            "reachable rev == dismissed and review == closed",
            H,
            "the bench may dismiss the application; the dismissal takes effect (CPL 145, 158)",
        ),
        (
            "judgment_after_remand_becomes_effective",
            "reachable remanded and rev == ordered and review == closed",
            H,
            "CPL 177(2): after the one remand the new judgment is final on appeal",
        ),
        (
            "value_owed_without_consent",
            "never step where rule == enforce_compensation and not obligor_consents",
            F,
            "the judgment settles the value: it is enforced without the parties' agreement",
        ),
        (
            "appeal_or_effect_within_15_days",
            "rev == ordered and review == unchallenged "
            "leads_to review != unchallenged or rev != ordered"
            " within 15 days",
            H,
            "CPL 171, 158: appealed within 15 days of service, or the judgment takes effect",
        ),
        (
            "no_separate_action_ever",
            "never left_to_separate_action",
            H,
            "art. 66(2) termination is repealed",
        ),
        (
            "no_enforcement_during_the_appeal",
            "never step where (rule == enforce_return or rule == enforce_compensation) "
            "and review != closed",
            H,
            "CPL 158: only the effective judgment is enforced",
        ),
    ],
    "ru/civil_procedure_443_445": [
        (
            "partial_dismissal_returns_that_part",
            "reachable basis == changed and award != no_award and obligor == 2 and creditor == 1",
            H,
            "ГПК 443 'dismissing the claim … in part': 3 recovered, 1 upheld, 2 come back",
        ),
        (
            "alimony_protected_on_appeal",
            "never award != no_award and claim_category == alimony_claim "
            "and instance == appeal_instance"
            " and not claimant_fraud",
            H,
            "ГПК 445(3) para. 1",
        ),
        (
            "wages_reversed_on_appeal",
            "never award != no_award and claim_category == protected_claim "
            "and instance == appeal_instance"
            " and not claimant_fraud",
            F,
            "445(3) para. 1 protects only alimony on appeal; "
            "para. 2 protects wages in cassation only",
        ),
    ],
    "ru/arbitrazh_325_326": [
        (
            "value_of_the_sold_property_enforced",
            "reachable sale == sale_completed and return_enforced",
            H,
            "АПК 326(5): a writ for 'the property or its value'",
        ),
    ],
    "de/zpo_717": [
        (
            "payment_to_avert_is_recoverable",
            "after step where rule == pay_to_avert possible step where rule == judge_claim",
            H,
            "ZPO § 717(2): 'durch eine zur Abwendung der Vollstreckung gemachte Leistung'",
        ),
        (
            "defendant_can_appeal_and_the_appeal_can_succeed",
            "never step where rule == reverse_on_appeal",
            F,
            "general ZPO: either party appeals, the appellate court may reject the claim",
        ),
    ],
    "tw/ccp_395": [
        (
            "payment_to_avoid_is_recoverable",
            "after step where rule == pay_to_avoid possible step where rule == order_in_judgment",
            H,
            "民事訴訟法 395(2): 因免假執行所為給付",
        ),
        (
            "order_can_be_set_aside_on_appeal",
            "never step where rule == set_order_aside",
            F,
            "art. 458 proviso: the appeal against the order may succeed",
        ),
    ],
    "prc/arbitral_award": [
        (
            "reversal_on_application_only",
            "never step where kind == initiation and actor is court",
            H,
            "Interp. 474: 经当事人申请",
        ),
        (
            "preservation_can_lapse",
            "reachable preservation == lifted and rev == restored",
            H,
            "arbitration provisions art. 21(2): no new arbitration or suit in 30 days, "
            "the money returns",
        ),
    ],
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Status]]:
    """One bill per case with all its points; the verdict of each point."""
    folder = tmp_path_factory.mktemp("points")
    found: dict[str, dict[str, Status]] = {}
    for case, points in POINTS.items():
        base = (ROOT / "cases" / f"{case}.rev").as_posix()
        props = "\n".join(f'property {name} "{why}" {{ {body} }}' for name, body, _, why in points)
        bill = folder / f"{case.replace('/', '_')}_points.rev"
        bill.write_text(
            f'procedure points "legal points"\nextends "{base}"\n{props}\n', encoding="utf-8"
        )
        report = check_file(str(bill), CheckOptions())
        assert report.result is not None, [d.message for d in report.diagnostics]
        found[case] = {o.property.name: o.verdict.status for o in report.outcomes}
    return found


@pytest.mark.parametrize(
    ("case", "name", "verdict"),
    [(case, name, verdict) for case, points in POINTS.items() for name, _, verdict, _ in points],
)
def test_legal_point(
    verdicts: dict[str, dict[str, Status]], case: str, name: str, verdict: Status
) -> None:
    assert verdicts[case][name] is verdict
