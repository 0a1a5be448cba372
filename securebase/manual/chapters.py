"""What each chapter's template sees: values computed from ``numbers.json``, never prose.

Each function takes the numbers built by :mod:`build` and returns the names its chapter's
template (``templates/<name>.md.j2``) uses besides ``n`` (the numbers themselves): rows of
tables, lists picked out of the numbers, and the facts a sentence choice depends on. Wording
stays in the templates; table rows carry only cells and short labels. Everything here is a pure
function of the numbers (and of the constants of the analysis modules, which are part of the
method), so the test suite can render the committed ``numbers.json`` again and compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from securebase.manual import crosscheck
from securebase.manual import dif as dif_method
from securebase.manual.fmt import count, dec, items, num, pct
from securebase.psychometrics.calibration import DEFAULT_BOUND
from securebase.psychometrics.data import N_ITEMS
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.styles import STYLE_NAMES as SITE_STYLE_NAMES

#: The site's names of the styles, in running text.
STYLE_NAMES = {style: name.lower() for style, name in SITE_STYLE_NAMES.items()}
#: Settings of the methods that the text names (part of the method, not results); every
#: template sees them as ``method``.
METHOD = {
    "n_items": N_ITEMS,
    "grid_bound": DEFAULT_BOUND,
    "mirt_quadrature_points": crosscheck.QUADRATURE_POINTS,
}
#: Conventional cut-offs the text judges by: close fit of a factor model (Hu & Bentler, 1999),
#: "unidimensional enough" for a total score (Reise et al., 2013; Rodriguez et al., 2016) and
#: close item fit (RMSEA of S-X2).
CUT_OFFS = {"cfi": 0.95, "rmsea": 0.06, "ecv": 0.60, "omega_h": 0.70, "item_rmsea": 0.05}

#: Labels of the table rows (the prose about them is in the templates).
FORM_LABELS = {"full": "full form (36 items)", "adaptive": "quick test"}
SOLUTIONS = {"schmid_leiman": "Schmid-Leiman solution", "cfa": "confirmatory bifactor"}
CHECK_NAMES = {
    "misfit_lz": "misfit: lz*",
    "misfit_distance": "misfit: distance",
    "misfit": "misfit (either)",
    "contradictory": "contradictory wording",
    "straight_line": "same answer",
    "midpoint": "mostly neutral",
    "any": "any flag",
}
PATTERN_NAMES = {
    "random": "uniform random answers",
    "straight_line": "the same answer everywhere (each of 1-5)",
    "alternating": "alternating 1 and 5",
}
PAIR_LABELS = {
    "full/full": "All questions, twice",
    "quick/quick": "Quick test, twice",
    "quick/full": "Quick test, then all questions",
}
#: The names of change_errors.json's pairs of forms, as the manual's pairs name them.
FACTOR_PAIRS = {"full/full": "full/full", "quick/quick": "adaptive/adaptive"}
FACTOR_PAIRS["quick/full"] = "adaptive/full"


def with_method_constants(numbers: dict[str, Any]) -> dict[str, Any]:
    """The numbers plus the DIF rules, which are constants of :mod:`dif` rather than results."""
    numbers = dict(numbers)
    numbers.setdefault(
        "dif_rules",
        {
            "alpha": dif_method.ALPHA,
            "moderate": dif_method.NAGELKERKE_MODERATE,
            "large": dif_method.NAGELKERKE_LARGE,
            "mcfadden": dif_method.MCFADDEN_LORDIF,
            "sample": dif_method.SAMPLE_PER_GROUP,
            "seed": dif_method.SEED,
        },
    )
    return numbers


def _rate_rows(block: dict[str, Any]) -> list[list[str]]:
    return [
        [CHECK_NAMES[check], pct(block["full"][check]), pct(block["quick"][check])]
        for check in CHECK_NAMES
    ]


def title_page(n: dict[str, Any]) -> dict[str, Any]:
    bank = n["bank"]
    return {"bank": bank}


def purpose(n: dict[str, Any]) -> dict[str, Any]:
    return {}


def instrument(n: dict[str, Any]) -> dict[str, Any]:
    bank = n["bank"]
    reverse = [item["number"] for item in bank["items"] if item["reverse"]]
    rows = [
        [
            str(item["number"]),
            item["text"],
            item["dimension"],
            "yes" if item["reverse"] else "",
            num(item["a"]),
            " / ".join(num(b) for b in item["b"]),
        ]
        for item in bank["items"]
    ]
    anx, avo = bank["dimensions"]["anxiety"], bank["dimensions"]["avoidance"]
    return {"reverse": reverse, "anx": anx, "avo": avo, "rows": rows}


def sample(n: dict[str, Any]) -> dict[str, Any]:
    s = n["sample"]
    g = s["gender"]
    band_rows = [[row["band"], count(row["n"]), pct(row["n"] / s["n"])] for row in s["age_bands"]]
    countries = ", ".join(
        f"{row['code']} {count(row['n'])} ({pct(row['n'] / s['n'])})" for row in s["top_countries"]
    )
    return {"s": s, "g": g, "band_rows": band_rows, "countries": countries, **under_18(n)}


def under_18(n: dict[str, Any]) -> dict[str, Any]:
    """Who in the calibration is under 18, and the DIF figures that justify keeping them."""
    s = n["sample"]
    contrast = n["dif"]["under 18"]
    dimensions = contrast["dimensions"].values()
    teens = next(row["n"] for row in s["age_bands"] if row["band"] == "13-17")
    return {
        "teens": teens,
        "teens_flagged": sum(1 for c in dimensions for v in c["items"].values() if v["flag"]),
        "teens_largest": max(
            v["delta_nagelkerke"] for c in dimensions for v in c["items"].values()
        ),
        "teens_dtf": max(abs(c["dtf_signed_sd"]) for c in dimensions),
    }


def item_statistics(n: dict[str, Any]) -> dict[str, Any]:
    stats = n["items"]
    cross = n["crosscheck"]
    rows = []
    for row in stats["items"]:
        c = cross["items"][str(row["number"])]
        bank_item = n["bank"]["items"][row["number"] - 1]
        rows.append(
            [
                str(row["number"]),
                row["dimension"][:3],
                num(row["mean"]),
                num(row["sd"]),
                " / ".join(f"{100 * share:.0f}" for share in row["categories"]),
                dec(row["item_rest"], 2),
                f"{num(bank_item['a'])} ({num(c['a_se'], 3)})",
                " / ".join(
                    f"{num(b)} ({num(se, 3)})"
                    for b, se in zip(bank_item["b"], c["b_se"], strict=True)
                ),
            ]
        )
    worst_item, worst_parameter = cross["max_diff_over_se_at"]
    check_rows = []
    for number, c in sorted(cross["items"].items(), key=lambda kv: int(kv[0])):
        largest_b = max(range(4), key=lambda k: abs(c["b_diff"][k]))
        check_rows.append(
            [
                number,
                num(c["a_mirt"]),
                num(c["a_diff"], 4),
                num(c["a_se"], 4),
                f"b{largest_b + 1}",
                num(c["b_diff"][largest_b], 4),
                num(c["b_se"][largest_b], 4),
            ]
        )
    anx, avo = cross["anxiety"], cross["avoidance"]
    return {
        "stats": stats,
        "rows": rows,
        "cross": cross,
        "anx": anx,
        "avo": avo,
        "worst_item": worst_item,
        "worst_parameter": worst_parameter,
        "check_rows": check_rows,
    }


def dimensionality(n: dict[str, Any]) -> dict[str, Any]:
    s = n["structure"]
    cfa = s["cfa"]
    anx, avo = s["within"]["anxiety"], s["within"]["avoidance"]
    q_anx, q_avo = (
        n["bank"]["dimensions"]["anxiety"]["q3"],
        n["bank"]["dimensions"]["avoidance"]["q3"],
    )

    def pairs(q: dict[str, Any]) -> str:
        return ", ".join(f"{a}-{b} {dec(v, 2)}" for a, b, v in q["top_pairs"])

    def groups(within: dict[str, Any]) -> str:
        return "; ".join(
            "{" + ", ".join(str(i) for i in g) + "}" for g in within["bifactor"]["specific_groups"]
        )

    return {
        "s": s,
        "anx": anx,
        "avo": avo,
        "cfa": cfa,
        "cut_offs": CUT_OFFS,
        "cfa_fits": cfa["cfi"] >= CUT_OFFS["cfi"] and cfa["rmsea"] <= CUT_OFFS["rmsea"],
        "unidimensional": [
            name
            for name, b in (("anxiety", anx["bifactor"]), ("avoidance", avo["bifactor"]))
            if b["ecv"] >= CUT_OFFS["ecv"] and b["omega_hierarchical"] >= CUT_OFFS["omega_h"]
        ],
        "groups_anx": groups(anx),
        "groups_avo": groups(avo),
        "q_anx": q_anx,
        "q_avo": q_avo,
        "pairs_anx": pairs(q_anx),
        "pairs_avo": pairs(q_avo),
    }


def reliability(n: dict[str, Any]) -> dict[str, Any]:
    bank, s = n["bank"], n["structure"]
    alpha = n["items"]["alpha"]
    points = bank["se_points"]
    rows = []
    for dimension in ("anxiety", "avoidance"):
        d = bank["dimensions"][dimension]
        for form, label in (("full", "full form"), ("ecr_s", "ECR-S")):
            info = d["information"][form]
            rows.append(
                [f"{dimension}, {label} ({info['n_items']} items)"]
                + [dec(v, 2) for v in info["se_at_points"]]
                + [f"{dec(info['se_at_cut'], 2)}"]
            )
    a_d, v_d = bank["dimensions"]["anxiety"], bank["dimensions"]["avoidance"]
    a_b, v_b = s["within"]["anxiety"]["bifactor"], s["within"]["avoidance"]["bifactor"]
    a_o = s["within"]["anxiety"]["bifactor_observed"]
    v_o = s["within"]["avoidance"]["bifactor_observed"]
    return {
        "alpha": alpha,
        "a_o": a_o,
        "v_o": v_o,
        "a_b": a_b,
        "v_b": v_b,
        "a_d": a_d,
        "v_d": v_d,
        "omega_over_alpha": _compared(
            ((a_o["omega_total"], alpha["anxiety"]), (v_o["omega_total"], alpha["avoidance"]))
        ),
        "latent_over_observed": _compared(
            ((a_b["omega_total"], a_o["omega_total"]), (v_b["omega_total"], v_o["omega_total"]))
        ),
        "ecr_s_avoidance": sorted(k for k in bank["ecr_s"] if k % 2),
        "ecr_s_anxiety": sorted(k for k in bank["ecr_s"] if k % 2 == 0),
        "theta_points": [num(p, 1) for p in points],
        "rows": rows,
        "points": points,
    }


def _compared(pairs: tuple[tuple[float, float], ...]) -> str:
    """ "both above" / "both below" / "above and below" for (first, second) pairs."""
    words = ["above" if a > b else "below" if a < b else "equal to" for a, b in pairs]
    return f"both {words[0]}" if len(set(words)) == 1 else " and ".join(words)


def item_fit(n: dict[str, Any]) -> dict[str, Any]:
    bank = n["bank"]
    rows = []
    for dimension in ("anxiety", "avoidance"):
        d = bank["dimensions"][dimension]
        rows.append(
            [
                dimension,
                count(d["s_x2_n_complete"]),
                dec(d["s_x2_rmsea_median"]),
                dec(d["s_x2_rmsea_max"]),
                str(d["s_x2_worst_item"]),
                dec(d["category_rmsd_mean"], 4),
                dec(d["category_max_abs_difference"]),
            ]
        )
    significant = sum(bank["dimensions"][d]["s_x2_n_significant"] for d in ("anxiety", "avoidance"))
    worst = n["fit_worst"]
    return {
        "significant": significant,
        "rows": rows,
        "cut_offs": CUT_OFFS,
        "largest_rmsea": max(bank["dimensions"][d]["s_x2_rmsea_max"] for d in DIMENSIONS),
        "worst_are_reverse_keyed": all(bank["items"][worst[d] - 1]["reverse"] for d in DIMENSIONS),
    }


def fairness(n: dict[str, Any]) -> dict[str, Any]:
    d = n["dif"]
    rules = n["dif_rules"]
    sections = []
    for name in (name for name, _, _ in dif_method.CONTRASTS):
        contrast = d[name]
        lines = []
        for dimension in ("anxiety", "avoidance"):
            c = contrast["dimensions"][dimension]
            flagged = [k for k, v in c["items"].items() if v["flag"]]
            largest = sorted(
                c["items"].items(), key=lambda kv: -abs(kv[1]["matched_difference_sd"])
            )[:3]
            lines.append(
                [
                    dimension,
                    f"{count(c['n_focal'])} of {count(c['n_focal_all'])} / "
                    f"{count(c['n_reference'])} of {count(c['n_reference_all'])}",
                    str(len(flagged))
                    + (f" ({items([int(k) for k in flagged])})" if flagged else ""),
                    dec(max(v["delta_nagelkerke"] for v in c["items"].values()), 4),
                    str(sum(1 for v in c["items"].values() if v["mcfadden_flag"])),
                    ", ".join(f"{k}: {num(v['matched_difference_sd'])}" for k, v in largest),
                    f"{num(c['dtf_signed_points'])} ({num(c['dtf_signed_sd'], 3)} SD)",
                    num(c["impact_theta"]),
                ]
            )
        sections.append(
            {
                "name": name,
                "focal": contrast["focal"],
                "reference": contrast["reference"],
                "rows": lines,
            }
        )
    total_flags = sum(
        1
        for contrast in d.values()
        for c in contrast["dimensions"].values()
        for v in c["items"].values()
        if v["flag"]
    )
    matched = [
        v["matched_difference_sd"]
        for contrast in d.values()
        for c in contrast["dimensions"].values()
        for v in c["items"].values()
    ]
    return {
        "rules": rules,
        "sections": sections,
        "total_flags": total_flags,
        "matched_min": min(matched),
        "matched_max": max(matched),
        "largest_dtf": max(
            abs(c["dtf_signed_sd"])
            for contrast in d.values()
            for c in contrast["dimensions"].values()
        ),
    }


def norms(n: dict[str, Any]) -> dict[str, Any]:
    bank = n["bank"]
    sizes = {g["key"]: g["n"] for g in bank["norm_groups"]}
    bands = [key for key in sizes if "/" not in key and key[0].isdigit()]
    genders = [key for key in sizes if "/" not in key and not key[0].isdigit()]
    default = genders.pop(0) if genders else None
    rows = [
        [
            {None: "all adults", "female": "women", "male": "men"}.get(gender, gender),
            *(
                count(sizes[key]) if key in sizes else "-"
                for key in [gender or default, *(f"{gender}/{b}" if gender else b for b in bands)]
            ),
        ]
        for gender in (None, *genders)
    ]
    shares = bank["style_shares"]
    return {
        "bank": bank,
        "rows": rows,
        "bands": bands,
        "shares": shares,
        "style_names": STYLE_NAMES,
    }


def classification(n: dict[str, Any]) -> dict[str, Any]:
    bank, c = n["bank"], n["classification"]
    stored = bank["classification"]["full_form"] if bank["classification"] else None
    rows = []
    for form, label in (
        ("full", "full form (36 items)"),
        ("adaptive", "quick test (defaults; `adaptive_rules.json`)"),
        ("ecr_s", "ECR-S (12 items)"),
    ):
        f = c[form]
        rows.append([label, count(f["n"]), pct(f["consistency"]), pct(f["accuracy"]), pct(f["se"])])
    dist_rows = []
    for k, row in enumerate(c["full"]["by_distance"]):
        band = (
            f"{num(row['low'])}-{num(row['high'])}"
            if row["high"] is not None
            else f"{num(row['low'])} or more"
        )
        dist_rows.append(
            [band, pct(row["n"] / c["full"]["n"], 0)]
            + [
                pct(c[form]["by_distance"][k]["consistency"], 0)
                + " / "
                + pct(c[form]["by_distance"][k]["accuracy"], 0)
                for form in ("full", "adaptive", "ecr_s")
            ]
        )
    cut_anx = bank["dimensions"]["anxiety"]["cut"]
    cut_avo = bank["dimensions"]["avoidance"]["cut"]
    # The bank's stored full-form figures are quoted only where they are not the table's.
    stored_is_table_row = False
    if stored:
        stored_is_table_row = all(
            pct(stored[key]) == pct(c["full"][key]) for key in ("consistency", "accuracy")
        )
    return {
        "cut_anx": cut_anx,
        "cut_avo": cut_avo,
        "bank": bank,
        "c": c,
        "rows": rows,
        "dist_rows": dist_rows,
        "stored": stored,
        "stored_is_table_row": stored_is_table_row,
    }


def adaptive(n: dict[str, Any]) -> dict[str, Any]:
    a = n["adaptive"]
    settings = a["settings"]
    labels = {
        "full": "full ECR (36 items)",
        "ecr_s": "ECR-S (12 items)",
        "adaptive": "quick test (adaptive)",
    }
    rows = [
        [
            labels[row["form"]],
            num(row["mean_items"]),
            "/".join(str(q) for q in row["length_quantiles"]),
            pct(row["agreement"]),
            dec(row["r_anxiety"]),
            dec(row["r_avoidance"]),
        ]
        for row in a["rows"]
    ]
    quick = next(row for row in a["rows"] if row["form"] == "adaptive")
    simulated = n["classification"]["adaptive"]
    full = n["classification"]["full"]
    misfit = settings["misfit_variance"]
    return {
        "settings": settings,
        "misfit": misfit,
        "a": a,
        "rows": rows,
        "quick": quick,
        "simulated": simulated,
        "full": full,
        "error_rows": [[label, dec(value)] for label, value in a["calibration_error"].items()],
        # adaptive_rules.json describes its stopping rule in words; here it opens a sentence.
        "stopping_rule": a["stopping_method"][:1].upper() + a["stopping_method"][1:],
    }


def validity(n: dict[str, Any]) -> dict[str, Any]:
    d = n["dif"]["gender"]["dimensions"]
    a = n["dif"]["age"]["dimensions"]
    return {"d": d, "a": a}


def limitations(n: dict[str, Any]) -> dict[str, Any]:
    s = n["sample"]
    return {"s": s}


def calibration_study(n: dict[str, Any]) -> dict[str, Any]:
    c = n["calibration"]
    model, forms, held = c["model"], c["forms"], c["held_out"]
    fit_rows = [
        [SOLUTIONS[name], dimension]
        + [
            dec(model["fit"][name][dimension][key])
            for key in ("omega_total", "omega_hierarchical", "ecv")
        ]
        + [dec(model["fit"][name][dimension]["rmsr"])]
        for name in ("schmid_leiman", "cfa")
        for dimension in ("anxiety", "avoidance")
    ]
    k_rows = [
        [
            FORM_LABELS[form],
            dimension,
            f"{num(f['k'])} ({num(f['k_min'])}-{num(f['k_max'])})",
            dec(f["cv_log_loss_unwidened"]),
            dec(f["cv_log_loss"]),
        ]
        for form in ("full", "adaptive")
        for dimension, f in forms[form]["fit"].items()
    ]
    reliability_rows = [
        [
            FORM_LABELS[form],
            f"{dec(forms[form]['before']['ece'])} / {dec(forms[form]['after']['ece'])}",
            f"{dec(forms[form]['before']['mean_top'])} / {dec(forms[form]['after']['mean_top'])}",
            f"{pct(forms[form]['before']['share_quite_sure'])} / "
            f"{pct(forms[form]['after']['share_quite_sure'])}",
            pct(forms[form]["after"]["share_right"]),
        ]
        for form in ("full", "adaptive")
    ]
    coverage_rows = [
        [FORM_LABELS[form], when]
        + [pct(forms[form][key][part]) for part in ("anxiety_range", "avoidance_range", "region")]
        for form in ("full", "adaptive")
        for when, key in (("before", "coverage_before"), ("after", "coverage_after"))
    ]
    quick = forms["adaptive"]
    sl = model["fit"]["schmid_leiman"]
    realism_rows = [
        [
            name,
            " / ".join(dec(v) for v in model["realism"][name]["eap_sd"]),
            dec(model["realism"][name]["eap_correlation"]),
            " / ".join(
                pct(model["realism"][name]["style_shares"][style], 1)
                for style in ("secure", "anxious", "avoidant", "disorganized")
            ),
        ]
        for name in ("simulated", "real")
    ]
    return {
        "c": c,
        "model": model,
        "solution_name": SOLUTIONS[model["solution"]],
        "fit_rows": fit_rows,
        "sl": sl,
        "realism_rows": realism_rows,
        "k_rows": k_rows,
        "reliability_rows": reliability_rows,
        "quick": quick,
        "forms": forms,
        "coverage_rows": coverage_rows,
        "held": held,
    }


def response_quality(n: dict[str, Any]) -> dict[str, Any]:
    p = n["person_fit"]
    protocol = p["protocol"]
    threshold_rows = [
        [
            f"{row['min_answers']}-{row['max_answers']}",
            num(row["person_fit"]),
            num(row["distance"]),
            pct(row["same_answer"], 0),
            pct(row["midpoint"], 0),
            num(row["contradiction"]),
        ]
        for row in p["thresholds"]
    ]
    held = p["held_out"]
    hit_rows = [
        [
            PATTERN_NAMES[name],
            pct(p["simulated"]["full"][name]["any"]),
            pct(p["simulated"]["quick"][name]["any"]),
        ]
        for name in PATTERN_NAMES
    ]
    lz = p["lz"]
    full_cut = p["thresholds"][-1]["person_fit"]
    names = {
        "person_fit": "lz*",
        "distance": "distance",
        "contradictory": "contradiction",
        "straight_line": "same answer",
        "midpoint": "neutral",
    }
    weights = ", ".join(
        f"{names[key]} {num(value, 2)}" for key, value in protocol["budget_weights"].items()
    )
    return {
        "lz": lz,
        "protocol": protocol,
        "p": p,
        "weights": weights,
        "full_cut": full_cut,
        "threshold_rows": threshold_rows,
        "training_rows": _rate_rows(p["training"]),
        "held": held,
        "held_rows": _rate_rows(held) if held else [],
        "hit_rows": hit_rows,
    }


def change_between_sittings(n: dict[str, Any]) -> dict[str, Any]:
    c = n["change"]
    level = round(c["level"] * 100)
    dims = ("anxiety", "avoidance")
    rows = [
        [PAIR_LABELS[name], assumption]
        + [
            cell
            for d in dims
            for cell in (
                f"{pct(row[d]['changed'])} ({pct(row[d]['higher'])} / {pct(row[d]['lower'])})",
                pct(row[d]["widened"]),
                pct(row[d]["unwidened"]),
            )
        ]
        for name in PAIR_LABELS
        for assumption, row in (("lasting", c["lasting"][name]), ("passing", c["passing"][name]))
    ]
    power_rows = [
        [PAIR_LABELS[name], num(float(size), 1)]
        + [
            cell
            for d in dims
            for cell in (
                pct(c["power"][size][name][d]["lower"]),
                pct(c["power"][size][name][d]["widened"]),
                pct(c["power"][size][name][d]["unwidened"]),
            )
        ]
        for name in PAIR_LABELS
        for size in c["power"]
    ]
    fit = c["fit"]
    factor_rows = [
        [
            PAIR_LABELS[name],
            num(c["factors"][key]["anxiety"]),
            num(c["factors"][key]["avoidance"]),
            " / ".join(pct(fit["cross_validated_false_alarm"][key][d]) for d in dims),
        ]
        for name, key in FACTOR_PAIRS.items()
    ]
    lasting = c["lasting"]
    sizes = list(c["power"])
    small, large = c["power"][sizes[0]], c["power"][sizes[-1]]
    wrong_way = max(
        c["power"][size][name][d]["higher"] for size in sizes for name in PAIR_LABELS for d in dims
    )

    def span(rows: dict[str, Any], key: str) -> tuple[str, str]:
        values = [rows[name][d][key] for name in PAIR_LABELS for d in dims]
        return pct(min(values)), pct(max(values))

    seen = [
        c["power"][size][name][d]["lower"] for size in sizes for name in PAIR_LABELS for d in dims
    ]
    return {
        "level": level,
        "c": c,
        "fit": fit,
        "factor_rows": factor_rows,
        "rows": rows,
        "spans": {
            assumption: {
                key: span(c[assumption], key) for key in ("changed", "widened", "unwidened")
            }
            for assumption in ("lasting", "passing")
        },
        "lasting": lasting,
        "sizes": sizes,
        "wrong_way": wrong_way,
        "power_rows": power_rows,
        "large": large,
        "small": small,
        "seen_min": min(seen),
        "seen_max": max(seen),
    }


Context = Callable[[dict[str, Any]], dict[str, Any]]

#: Each chapter's template (``templates/<name>.md.j2``) and the function that fills it, in order.
CHAPTERS: tuple[tuple[str, Context], ...] = (
    ("00-title", title_page),
    ("01-purpose", purpose),
    ("02-instrument", instrument),
    ("03-sample", sample),
    ("04-item-statistics", item_statistics),
    ("05-dimensionality", dimensionality),
    ("06-reliability", reliability),
    ("07-item-fit", item_fit),
    ("08-fairness", fairness),
    ("09-norms", norms),
    ("10-classification", classification),
    ("11-adaptive-test", adaptive),
    ("12-validity", validity),
    ("13-limitations", limitations),
    ("14-how-sure", calibration_study),
    ("15-response-quality", response_quality),
    ("16-change-between-sittings", change_between_sittings),
)
