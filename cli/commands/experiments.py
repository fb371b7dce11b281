"""`tilldesk experiments create|assign|record|results|list|show|stop|power`: A/B tests of
recovery strategies. Every verb prints JSON (a contract for other tools), NaN as null."""

import getpass
import json
import math
import sys
from argparse import ArgumentTypeError, Namespace, RawDescriptionHelpFormatter, _SubParsersAction
from datetime import UTC, datetime
from typing import Any

from app.domain.money import parse_amount
from app.recovery.experiments.design import (
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_SAMPLE,
    METRICS,
    STRATEGIES,
)
from app.services import experiments as service
from cli.commands.recovery_service import open_recovery_db
from cli.output import plain

RESULTS_HELP = """\
Per variant: n (outcomes recorded), recovered, rate, mean_days, ... Tests, all two-sided:
  chi_square    Pearson's chi-square on recovered/not of every variant (k x 2), no Yates
                correction;
  t_test        Welch's t-test on the days to recover of recovered outcomes, control first;
  mann_whitney  Mann-Whitney U on the same days (U of the control);
  bayesian      P(each variant has the best recovery rate) and its expected loss, Beta(1, 1)
                priors, by numeric integration.
With more than two variants t_test and mann_whitney compare the control with the variant of
the best rate; "pairwise" holds every variant against the control (rates, days, and amounts),
p_holm being Holm-adjusted within each test. No variant is recommended before every variant
has the minimum sample (and the duration, if set, has passed): "early" is true until then.
"""


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def emit(value: Any) -> None:
    json.dump(_clean(plain(value)), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def yes_no(text: str) -> bool:
    answer = {"yes": True, "y": True, "true": True, "1": True}
    answer |= {"no": False, "n": False, "false": False, "0": False}
    if text.strip().lower() not in answer:
        raise ArgumentTypeError(f"answer yes or no, not {text!r}")
    return answer[text.strip().lower()]


def register(sub: _SubParsersAction, common: list) -> None:
    top = sub.add_parser("experiments", help="A/B tests of recovery strategies")
    verbs = top.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", parents=common, help="start a test on one strategy")
    create.add_argument("name")
    create.add_argument("--strategy", required=True, help=", ".join(STRATEGIES))
    create.add_argument("--variant", action="append", required=True, help="repeat per variant")
    create.add_argument("--allocation", help="shares per variant, e.g. 0.5,0.5 (default: equal)")
    create.add_argument("--control", help="the control variant (default: the first)")
    create.add_argument("--min-sample", type=int, default=DEFAULT_MIN_SAMPLE, help="per variant")
    create.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE)
    create.add_argument("--duration-days", type=int, help="fixed length of the test")
    create.add_argument("--primary-metric", default="recovery_rate", choices=METRICS)
    create.add_argument("--secondary-metric", action="append", choices=METRICS)
    create.add_argument("--by", help="who creates it (default: the signed-in OS user)")
    create.set_defaults(run=run_create)

    assign = verbs.add_parser("assign", parents=common, help="a consumer's sticky variant")
    assign.add_argument("id")
    assign.add_argument("consumer")
    assign.set_defaults(run=run_assign)

    record = verbs.add_parser("record", parents=common, help="a consumer's outcome")
    record.add_argument("id")
    record.add_argument("consumer")
    record.add_argument("--recovered", type=yes_no, required=True, metavar="yes|no")
    record.add_argument("--days", type=float, help="days from the failure to the recovery")
    record.add_argument("--amount", help="amount recovered, e.g. 12.50")
    record.add_argument("--currency", default="USD", help="of --amount (default USD)")
    record.add_argument("--satisfaction", type=float, help="0 to 1")
    record.add_argument("--churned", type=yes_no, metavar="yes|no")
    record.set_defaults(run=run_record)

    results = verbs.add_parser(
        "results",
        parents=common,
        help="variants, tests and recommendation",
        description=RESULTS_HELP,
        formatter_class=RawDescriptionHelpFormatter,
    )
    results.add_argument("id")
    results.set_defaults(run=run_results)

    listing = verbs.add_parser("list", parents=common, help="the experiments, newest first")
    listing.add_argument("--status", choices=(service.RUNNING, service.STOPPED))
    listing.set_defaults(run=run_list)
    show = verbs.add_parser("show", parents=common, help="one experiment's design and counts")
    show.add_argument("id")
    show.set_defaults(run=run_show)
    stop = verbs.add_parser("stop", parents=common, help="stop a test (its results stay)")
    stop.add_argument("id")
    stop.add_argument("--reason", default="")
    stop.add_argument("--by", help="who stops it (default: the signed-in OS user)")
    stop.set_defaults(run=run_stop)

    power = verbs.add_parser("power", parents=common, help="consumers per variant needed")
    power.add_argument("--baseline", type=float, required=True, help="control's rate, e.g. 0.40")
    power.add_argument("--expected", type=float, required=True, help="rate to detect, e.g. 0.45")
    power.add_argument("--alpha", type=float, default=0.05)
    power.add_argument("--power", type=float, default=0.8)
    power.set_defaults(run=run_power)


def _now() -> datetime:
    return datetime.now(UTC)


def run_create(args: Namespace) -> int:
    created = service.create_experiment(
        open_recovery_db(args),
        name=args.name,
        strategy=args.strategy,
        variant_names=args.variant,
        allocation=args.allocation,
        control=args.control,
        now=_now(),
        by=args.by or getpass.getuser(),
        min_sample=args.min_sample,
        confidence=args.confidence,
        duration_days=args.duration_days,
        primary_metric=args.primary_metric,
        secondary_metrics=args.secondary_metric,
    )
    emit(created)
    return 0


def run_assign(args: Namespace) -> int:
    emit(service.assign(open_recovery_db(args), args.id, args.consumer, _now()))
    return 0


def run_record(args: Namespace) -> int:
    amount = None if args.amount is None else parse_amount(args.amount, args.currency)
    emit(
        service.record(
            open_recovery_db(args),
            args.id,
            args.consumer,
            _now(),
            recovered=args.recovered,
            days=args.days,
            amount_minor=amount,
            satisfaction=args.satisfaction,
            churned=args.churned,
        )
    )
    return 0


def run_results(args: Namespace) -> int:
    # SciPy loads for the verbs that compute only: every `tilldesk` command imports this module.
    from app.services.experiments_results import experiment_results

    emit(experiment_results(open_recovery_db(args), args.id, _now()))
    return 0


def run_list(args: Namespace) -> int:
    emit(service.list_experiments(open_recovery_db(args), args.status))
    return 0


def run_show(args: Namespace) -> int:
    emit(service.show_experiment(open_recovery_db(args), args.id))
    return 0


def run_stop(args: Namespace) -> int:
    emit(
        service.stop_experiment(
            open_recovery_db(args),
            args.id,
            by=args.by or getpass.getuser(),
            now=_now(),
            reason=args.reason,
        )
    )
    return 0


def run_power(args: Namespace) -> int:
    from app.recovery.experiments import effects

    per_variant = effects.sample_size(args.baseline, args.expected, args.alpha, args.power)
    emit(
        {
            "baseline": args.baseline,
            "expected": args.expected,
            "alpha": args.alpha,
            "power": args.power,
            "per_variant": per_variant,
            "achieved_power": effects.power_of(
                args.baseline, args.expected, per_variant, args.alpha
            ),
        }
    )
    return 0
