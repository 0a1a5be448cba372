"""The manual's text: 16 chapters rendered from ``numbers.json``, and nothing else.

Every number in the text is read from the numbers dictionary built by :mod:`build` (or from the
constants of the analysis modules, which are part of the method); rendering is a pure function,
so the test suite can render the committed ``numbers.json`` again and compare it with the
committed ``manual.md``. Wording that cites the literature is text, not measurement.
"""

from __future__ import annotations

from typing import Any

from securebase.manual import dif as dif_method
from securebase.manual.fmt import count, dec, items, num, pct, table
from securebase.psychometrics.styles import STYLE_NAMES as SITE_STYLE_NAMES

#: The site's names of the styles, in running text.
STYLE_NAMES = {style: name.lower() for style, name in SITE_STYLE_NAMES.items()}
FIGURES = "figures"
ITEM_HEADER = [
    "item",
    "dim.",
    "mean",
    "SD",
    "categories 1/2/3/4/5 (%)",
    "item-rest r",
    "a (SE)",
    "b1 / b2 / b3 / b4 (SE)",
]
CHECK_HEADER = ["item", "a (mirt)", "a: ours - mirt", "SE", "largest b diff.", "ours - mirt", "SE"]
FIT_HEADER = [
    "dimension",
    "complete patterns",
    "median RMSEA",
    "largest RMSEA",
    "worst item",
    "category RMSD (mean)",
    "largest category diff.",
]
ADAPTIVE_HEADER = [
    "form",
    "mean items",
    "items (min/p10/median/p90/max)",
    "style agreement",
    "r anxiety",
    "r avoidance",
]
FIT_CAPTION = (
    "observed and expected share of each (keyed) answer by summed score, worst-fitting item of "
    "each dimension"
)
CLASSIFICATION_CAPTION = (
    "classification consistency by distance of the true theta from the nearest cut"
)


def figure(name: str, caption: str) -> str:
    """A Markdown image with its caption below (the site and the PDF style it)."""
    return f"![{caption}]({FIGURES}/{name}.svg)\n\n*Figure: {caption}*"


def title_page(n: dict[str, Any]) -> str:
    bank = n["bank"]
    return f"""# securebase technical manual: the ECR item bank, its scores and its limits

Item bank version {bank["version"]}, calibrated on {count(bank["n_respondents"])} respondents
(data release of {bank["data_release"]}). Bank file SHA-256 `{n["bank_sha256"][:16]}...`.
Every number in this manual is computed by `make manual` from the bank file and the calibration
data; none is typed by hand, and a test fails if the text and the bank disagree.
"""


def purpose(n: dict[str, Any]) -> str:
    return """## 1. Purpose and intended use

securebase lets an adult answer the *Experiences in Close Relationships* questionnaire (ECR;
Brennan, Clark & Shaver, 1998) and tells them where they stand on its two dimensions,
**attachment anxiety** (worry about rejection and abandonment) and **attachment avoidance**
(discomfort with closeness and depending on others), with a margin of error, a percentile
against other adults, and one of four styles (secure, anxious, avoidant, fearful-avoidant) with
how likely each is.

**Intended use.** Self-reflection and education by the person who answered, and research
summaries by people who understand the limits below. The scores describe how a person
*generally* feels in close relationships, as they report it today.

**Uses it does not support.** No diagnosis of any kind (attachment styles are not disorders);
no clinical, hiring, admission, custody, insurance or dating decisions about a person; no
judgement of a partner or of anyone who did not answer themselves; no comparison with published
norms of the 7-point ECR (chapter 2). The style is a convenient summary of two continuous scores,
not a type a person belongs to (Fraley, Hudson, Heffernan & Segal, 2015).
"""


def instrument(n: dict[str, Any]) -> str:
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
    return f"""## 2. The instrument

The ECR has 36 statements: the 18 odd-numbered ones measure avoidance, the 18 even-numbered ones
anxiety. Items {items(reverse)} are reverse-keyed (agreeing means *less* anxiety or avoidance)
and are scored 6 minus the answer.

**Response format: 5 points, not 7.** The published ECR uses a 7-point scale from "disagree
strongly" to "agree strongly" (Brennan et al., 1998). The data behind this bank come from the
Open-Source Psychometrics Project's online version, which uses **5 points**: strongly disagree,
disagree, neither agree nor disagree, agree, strongly agree. securebase asks the same 5-point
version, so its parameters and norms match what people answer. They do **not** carry over to
the 7-point ECR: means, cut-offs and norms published for the 7-point version (for example a
midpoint of 4) cannot be compared with scores here, and the 5-point scale has fewer
categories to separate people at the extremes.

**Administration.** Online, unsupervised, in English, in two forms: all 36 items in their
published order, or the adaptive quick test (chapter 11), which asks a subset chosen for each
person. Nobody needs to read instructions beyond the response labels.

**Scoring.** Each dimension has its own graded response model (Samejima, 1969): discrimination
`a` and four ordered thresholds `b1..b4` on the keyed scale, fitted by marginal maximum
likelihood (Bock & Aitkin, 1981). A person's score is the expected a posteriori (EAP) theta
under an N(0, 1) prior, from whatever items they answered, with the posterior SD as its standard
error; the classical score (mean of the keyed answers) is also kept. Discriminations range from
{num(anx["a_min"])} to {num(anx["a_max"])} (anxiety) and {num(avo["a_min"])} to
{num(avo["a_max"])} (avoidance). The four styles are the quadrants of the two thetas against the
cuts (chapter 10).

{table(["item", "text", "dimension", "reverse", "a", "b1 / b2 / b3 / b4"], rows, "rllrrl")}
"""


def sample(n: dict[str, Any]) -> str:
    s = n["sample"]
    g = s["gender"]
    bands = table(
        ["age band", "respondents", "share"],
        [[row["band"], count(row["n"]), pct(row["n"] / s["n"])] for row in s["age_bands"]],
    )
    countries = ", ".join(
        f"{row['code']} {count(row['n'])} ({pct(row['n'] / s['n'])})" for row in s["top_countries"]
    )
    return f"""## 3. The calibration sample

**Source.** Volunteers who took the ECR online at the Open-Source Psychometrics Project and said
at the end that their answers were accurate and could be used for research (data release of
{n["bank"]["data_release"]}). The file used here is a fixed random 80% of that release,
{count(s["n"])} respondents; the other 20% are kept by the data owner as an independent test
set and were never seen. No respondent was removed for how they answered: the people who left
items out are kept (unanswered items are skipped, not imputed), and implausible ages are treated
as unknown.

{under_18(n)}

**Missing answers.** {count(s["n_complete"])} respondents ({pct(s["n_complete"] / s["n"])})
answered all 36 items; {count(s["n_any_missing"])} left at least one out. On average an item
was skipped by {pct(s["missing_share_mean"], 2)} of respondents, at most
{pct(s["missing_share_max"], 2)} (item {s["missing_item_max"]}). In
{count(s["n_no_answer_on_a_dimension"])}
cases a respondent answered no item of a dimension; the calibration drops them for that dimension.

**Gender.** {count(g["female"])} women ({pct(g["female"] / s["n"])}), {count(g["male"])} men
({pct(g["male"] / s["n"])}), {count(g["other"])} another gender, {count(g["missing"])} not
given.

**Age.** Known for {count(s["age_known"])} (ages under 13 or over 100 count as unknown:
{count(s["age_unknown"])}); median {num(s["age_median"], 0)} years, quartiles
{num(s["age_quartiles"][0], 0)} and {num(s["age_quartiles"][1], 0)}. {count(s["adults"])}
respondents were 18 or older; the norms use only them (chapter 9).

{bands}

**Countries** (from the IP address; {s["n_countries"]} in all, {count(s["country_unknown"])}
unknown). The largest: {countries}.

**What this sample is not.** Self-selected internet volunteers, mostly young women from
English-speaking countries; not a probability sample of any population (chapter 13).
"""


def under_18(n: dict[str, Any]) -> str:
    """Who in the calibration is under 18, why they stay in it, and the DIF figures behind that."""
    s = n["sample"]
    teens = next(row["n"] for row in s["age_bands"] if row["band"] == "13-17")
    contrast = n["dif"]["under 18"]
    dimensions = contrast["dimensions"].values()
    flagged = sum(1 for c in dimensions for v in c["items"].values() if v["flag"])
    largest = max(v["delta_nagelkerke"] for c in dimensions for v in c["items"].values())
    dtf = max(abs(c["dtf_signed_sd"]) for c in dimensions)
    moderate = n["dif_rules"]["moderate"]
    finding = (
        f"no item reaches the moderate DIF threshold (the largest change in Nagelkerke's "
        f"R-squared is {dec(largest, 4)}, against {dec(moderate)}), and summed over a dimension "
        f"the differences move the raw score by at most {num(dtf, 3)} SD at equal theta. The "
        "items work for them practically as for young adults, so their answers follow the same "
        "item parameters and add precision without changing what the parameters describe."
        if flagged == 0
        else f"{flagged} item-dimension combinations reach the moderate DIF threshold "
        f"({dec(moderate)}; largest change in Nagelkerke's R-squared {dec(largest, 4)}), and "
        f"summed over a dimension the differences move the raw score by up to {num(dtf, 3)} SD "
        "at equal theta; these items are listed in chapter 8."
    )
    share = pct(teens / s["n"])
    return f"""**Respondents under 18.** {count(teens)} respondents ({share}) were 13 to 17 years
old. securebase is for adults, so they are in no norm group (chapter 9) and nobody is
compared with them. They are kept in the item calibration, which estimates how each answer
depends on the dimension, not where people stand; that is justified only if the items work for
them as for adults. Chapter 8 checks it by comparing them with 18-24 year olds of the same
theta: {finding}"""


def item_statistics(n: dict[str, Any]) -> str:
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
    return f"""## 4. Item statistics

Category use is over everybody who answered the item (keyed categories 1..5, per cent);
item-rest correlations use the respondents who answered every item of the dimension
({count(stats["n_complete"]["anxiety"])} for anxiety, {count(stats["n_complete"]["avoidance"])}
for avoidance). GRM parameters are the shipped bank's; standard errors (in brackets) are the
observed-information standard errors of the independent refit below.

{table(ITEM_HEADER, rows, "llrrlrrl")}

### Independent cross-check of the calibration

The same graded response model was fitted again with **{cross["package"]}** from PyPI (MIT
licence; a Python implementation with a compiled core, modelled on R's `mirt` package, with
observed-information standard errors). Of the IRT packages on PyPI it is the one that is
maintained and fits the GRM by marginal maximum likelihood with standard errors: `girth` has
had no release since 2021 and `py-irt` fits Bayesian models for right/wrong answers. It is a
young package, so agreement here checks both programs, not only ours. It used the same keyed
data and the same treatment of missing answers, but its own quadrature (Gauss-Hermite, 49
points) and convergence rule. Both of its fits
converged ({anx["iterations"]} and {avo["iterations"]} cycles; log-likelihood
{num(anx["log_likelihood"])} for anxiety and {num(avo["log_likelihood"])} for avoidance,
against {num(n["bank"]["dimensions"]["anxiety"]["log_likelihood"])} and
{num(n["bank"]["dimensions"]["avoidance"]["log_likelihood"])} for ours).

The largest difference in a discrimination is {num(cross["max_abs_a_diff"], 4)}, in a threshold
{num(cross["max_abs_b_diff"], 4)}. Relative to mirt's standard errors the largest difference is
{num(cross["max_diff_over_se"])} SE (item {worst_item}, {worst_parameter});
{cross["n_beyond_2se"]} of {cross["n_parameters"]} parameters differ by more than two standard
errors. {crosscheck_verdict(cross)}

{table(CHECK_HEADER, check_rows)}
"""


def crosscheck_verdict(cross: dict[str, Any]) -> str:
    """What the cross-check shows, in words chosen by the numbers."""
    cuts = cross["cut_difference"]
    effect = (
        f"The style cuts computed from mirt's parameters differ from ours by "
        f"{num(abs(cuts['anxiety']), 4)} (anxiety) and {num(abs(cuts['avoidance']), 4)} "
        "(avoidance) on the theta scale."
    )
    if cross["n_beyond_2se"] == 0:
        return (
            "The two implementations agree within sampling error everywhere, so the calibration "
            "does not depend on our own EM code. " + effect
        )
    return (
        f"Of the {cross['n_beyond_2se']} parameters beyond two standard errors,"
        f" {cross['n_beyond_2se_extreme_thresholds']} are thresholds of the extreme categories"
        " (b1 or b4), which depend most on how the latent distribution is integrated in the"
        " tails: our grid reaches theta = 6 in equal steps, mirt's 49 Gauss-Hermite points are"
        " placed differently. Such differences are a property of the numerical method, not of"
        " the data; they are much smaller than the standard error of any person's score. " + effect
    )


def dimensionality(n: dict[str, Any]) -> str:
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

    return f"""## 5. Dimensionality

All analyses in this chapter use the {count(s["n_complete"])} complete response patterns.

### Eigenvalues and parallel analysis

The first eigenvalues of the 36 x 36 Pearson correlation matrix are
{", ".join(num(v) for v in s["pearson_eigenvalues"][:5])}. Parallel analysis (Horn, 1965;
{s["parallel_replications"]} random normal data sets of the same size, 95th percentile) retains
{s["factors_retained"]} components, because with this many respondents random eigenvalues stay
near {num(s["random_95th"][0])}; two components dominate ({num(s["pearson_eigenvalues"][0])} and
{num(s["pearson_eigenvalues"][1])}, then a drop to {num(s["pearson_eigenvalues"][2])}), which
is the two-dimensional structure the ECR was built for. Within each dimension the first
eigenvalues are {", ".join(num(v) for v in anx["pearson_eigenvalues"][:3])} (anxiety) and
{", ".join(num(v) for v in avo["pearson_eigenvalues"][:3])} (avoidance): one strong factor and
smaller secondary ones (polychoric eigenvalues of all 36 items:
{", ".join(num(v) for v in s["polychoric_eigenvalues"][:3])}).

{
        figure(
            "parallel_analysis",
            "eigenvalues of the observed correlations against random data (parallel analysis)",
        )
    }

### Two-factor confirmatory model

Each item loads only on its own dimension, the two factors correlate freely; estimated with
semopy ({cfa["estimator"]}, n = {count(cfa["n"])}). Standardized loadings range from
{dec(cfa["loading_min"], 2)} to {dec(cfa["loading_max"], 2)}; the factors correlate
{dec(cfa["factor_correlation"])}. Fit: chi-square {num(cfa["chi2"], 1)} on {cfa["dof"]} df,
CFI {dec(cfa["cfi"])}, TLI {dec(cfa["tli"])}, RMSEA {dec(cfa["rmsea"])}. {cfa_verdict(cfa)}
The chi-square is large at any misfit with this n; the bifactor and Q3* results below show
where the misfit comes from. (Wishart ML on polychoric correlations gives correct
estimates but not robust fit statistics; a diagonally weighted estimator would be the refinement.)

### Bifactor structure, omega-hierarchical and explained common variance

A Schmid-Leiman transformation (as in R's `psych::omega`) of a three-factor oblimin solution
of each dimension's polychoric correlations (factor_analyzer) gives a general factor and three
specific factors. Items grouped by their largest specific loading: anxiety {groups(anx)};
avoidance {groups(avo)}. An item's communality is the variance the three *correlated* factors
explain together, the diagonal of `L Phi L'` for the oblimin pattern `L` and factor
correlations `Phi` (not the sum of its squared pattern loadings, which leaves out what the
factors share); omega total is one minus the summed uniquenesses over the variance of the
unweighted sum (the sum of the correlation matrix), omega-hierarchical the general factor's
share of that variance. Because the correlations are polychoric, these omegas describe the sum
of the continuous *latent responses* behind the five answer categories, not the summed score of
the answers themselves; chapter 6 sets them beside the observed-score figures.

{
        table(
            ["", "anxiety", "avoidance"],
            [
                [
                    "omega total (latent responses)",
                    dec(anx["bifactor"]["omega_total"]),
                    dec(avo["bifactor"]["omega_total"]),
                ],
                [
                    "omega-hierarchical (latent responses, general factor)",
                    dec(anx["bifactor"]["omega_hierarchical"]),
                    dec(avo["bifactor"]["omega_hierarchical"]),
                ],
                [
                    "omega-h / omega total",
                    dec(anx["bifactor"]["omega_h_share"]),
                    dec(avo["bifactor"]["omega_h_share"]),
                ],
                [
                    "explained common variance (ECV)",
                    dec(anx["bifactor"]["ecv"]),
                    dec(avo["bifactor"]["ecv"]),
                ],
            ],
        )
    }

An ECV above .60 with omega-hierarchical above .70 is usually read as "essentially
unidimensional enough" for a total score (Reise, Scheines, Widaman & Haviland, 2013; Rodriguez,
Reise & Haviland, 2016). {bifactor_verdict(anx["bifactor"], avo["bifactor"])}

### Local dependence (Q3*)

Yen's Q3 is the correlation of two items' residuals after the GRM; Q3* subtracts the mean Q3 of
the dimension (Christensen, Makransky & Horton, 2017). Computed by the calibration from all
complete patterns and stored in the bank. Of the {q_anx["n_pairs"]} pairs per dimension,
{pct(q_anx["share_above_0_1"], 0)} (anxiety) and {pct(q_avo["share_above_0_1"], 0)} (avoidance)
exceed .1, and {pct(q_anx["share_above_0_2"], 0)} and {pct(q_avo["share_above_0_2"], 0)} exceed
.2. The largest: anxiety {pairs(q_anx)}; avoidance {pairs(q_avo)}. These are pairs of nearly
synonymous statements (for example two about worrying that a partner will leave), which agree
with each other more than the common factor explains.

{figure("q3_heatmap", "Q3* residual correlations within each dimension")}
"""


def cfa_verdict(cfa: dict[str, Any]) -> str:
    """Whether the two-factor model fits by the usual cut-offs (Hu & Bentler, 1999)."""
    if cfa["cfi"] >= 0.95 and cfa["rmsea"] <= 0.06:
        return "By the usual cut-offs (CFI at least .95, RMSEA at most .06) the model fits."
    return (
        "By the usual cut-offs (CFI at least .95, RMSEA at most .06; Hu & Bentler, 1999) the "
        "strict two-factor model does **not** fit: the items of a dimension share more than "
        "one common factor."
    )


def bifactor_verdict(anx: dict[str, Any], avo: dict[str, Any]) -> str:
    """Whether each dimension meets ECV >= .60 and omega-h >= .70."""
    meets = [
        name
        for name, b in (("anxiety", anx), ("avoidance", avo))
        if b["ecv"] >= 0.60 and b["omega_hierarchical"] >= 0.70
    ]
    if len(meets) == 2:
        verdict = "Both dimensions meet both criteria."
    elif meets:
        verdict = f"Only {meets[0]} meets both criteria."
    else:
        verdict = "Neither dimension meets both criteria."
    return (
        verdict + " The general factor carries most, not all, of the reliable variance; the "
        "rest is in clusters of similar items."
    )


def fit_verdict(n: dict[str, Any]) -> str:
    """Plain summary of item fit from the largest RMSEA and the keying of the worst items."""
    bank = n["bank"]
    largest = max(bank["dimensions"][d]["s_x2_rmsea_max"] for d in ("anxiety", "avoidance"))
    worst = n["fit_worst"]
    reverse = [bank["items"][worst[d] - 1]["reverse"] for d in ("anxiety", "avoidance")]
    first = (
        "Every item has an RMSEA below .05."
        if largest < 0.05
        else f"The largest RMSEA is {dec(largest)}, above the .05 usually called close fit."
    )
    keyed = (
        " Both are reverse-keyed statements, a common finding for negatively worded items."
        if all(reverse)
        else ""
    )
    return (
        f"{first} The worst-fitting items are item {worst['anxiety']} (anxiety) and item "
        f"{worst['avoidance']} (avoidance).{keyed}"
    )


def reliability(n: dict[str, Any]) -> str:
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
    header = ["SE at theta"] + [num(p, 1) for p in points] + ["at the cut"]
    a_d, v_d = bank["dimensions"]["anxiety"], bank["dimensions"]["avoidance"]
    a_b, v_b = s["within"]["anxiety"]["bifactor"], s["within"]["avoidance"]["bifactor"]
    a_o = s["within"]["anxiety"]["bifactor_observed"]
    v_o = s["within"]["avoidance"]["bifactor_observed"]
    return f"""## 6. Reliability

{
        table(
            ["", "anxiety", "avoidance"],
            [
                [
                    "Cronbach's alpha, observed scores (complete patterns)",
                    dec(alpha["anxiety"]),
                    dec(alpha["avoidance"]),
                ],
                [
                    "omega total, observed scores (Pearson correlations)",
                    dec(a_o["omega_total"]),
                    dec(v_o["omega_total"]),
                ],
                [
                    "omega-hierarchical, observed scores (Pearson correlations)",
                    dec(a_o["omega_hierarchical"]),
                    dec(v_o["omega_hierarchical"]),
                ],
                [
                    "omega total, latent responses (polychoric, chapter 5)",
                    dec(a_b["omega_total"]),
                    dec(v_b["omega_total"]),
                ],
                [
                    "omega-hierarchical, latent responses (polychoric, chapter 5)",
                    dec(a_b["omega_hierarchical"]),
                    dec(v_b["omega_hierarchical"]),
                ],
                [
                    "marginal reliability of the EAP, full form (calibration)",
                    dec(a_d["marginal_reliability"]),
                    dec(v_d["marginal_reliability"]),
                ],
                [
                    "model-implied reliability, full form",
                    dec(a_d["information"]["full"]["model_reliability"]),
                    dec(v_d["information"]["full"]["model_reliability"]),
                ],
                [
                    "model-implied reliability, ECR-S",
                    dec(a_d["information"]["ecr_s"]["model_reliability"]),
                    dec(v_d["information"]["ecr_s"]["model_reliability"]),
                ],
            ],
        )
    }

Marginal reliability is `var(EAP) / (var(EAP) + mean posterior variance)` over the calibration
sample; the model-implied value is `1 - E[1 / (1 + I(theta))]` under the N(0, 1) population.

{which_omega(alpha, a_o, v_o, a_b, v_b)}

### Information and conditional standard error

The standard error of a theta estimate depends on where the person is. The table gives
`1 / sqrt(1 + I(theta))`, the approximate posterior SD with the N(0, 1) prior, for the full
form and for the ECR-S (Wei, Russell, Mallinckrodt & Vogel, 2007: avoidance items
{items(sorted(k for k in bank["ecr_s"] if k % 2))}; anxiety items
{items(sorted(k for k in bank["ecr_s"] if k % 2 == 0))}), and at each dimension's cut (test
information there: {num(a_d["information"]["full"]["information_at_cut"], 1)} for anxiety,
{num(v_d["information"]["full"]["information_at_cut"], 1)} for avoidance).

{table(header, rows)}

At theta = {num(points[0], 1)} (the low, secure end) the full form's standard error is
{dec(a_d["information"]["full"]["se_at_points"][0], 2)} for anxiety and
{dec(v_d["information"]["full"]["se_at_points"][0], 2)} for avoidance, against
{dec(a_d["information"]["full"]["se_at_cut"], 2)} and {
        dec(v_d["information"]["full"]["se_at_cut"], 2)
    }
at the cuts: the items separate people well where the style is decided and poorly among
people who reject every statement. Low precision at the secure ends is the known weakness of
the ECR that led to the revised ECR-R (Fraley, Waller & Brennan, 2000).

{figure("information_se", "test information and standard error, full form and ECR-S")}

### How local dependence changes these figures

All IRT standard errors and reliabilities here assume that the items are independent given
theta. Chapter 5 shows they are not quite: in the bifactor model only {pct(a_b["omega_h_share"], 0)}
(anxiety) and {pct(v_b["omega_h_share"], 0)} (avoidance) of the reliable variance belongs to the
general factor. The reliability of the score *as a measure of the general dimension* is
therefore closer to omega-hierarchical ({dec(a_o["omega_hierarchical"])} and
{dec(v_o["omega_hierarchical"])} for the observed scores) than to alpha or the marginal
reliability, and the standard
errors above are somewhat optimistic, most for short forms made of highly dependent items. The
adaptive test corrects its forecast for this empirically and avoids dependent pairs (chapter 11).
"""


def _compared(pairs: tuple[tuple[float, float], ...]) -> str:
    """ "both above" / "both below" / "above and below" for (first, second) pairs."""
    words = ["above" if a > b else "below" if a < b else "equal to" for a, b in pairs]
    return f"both {words[0]}" if len(set(words)) == 1 else " and ".join(words)


def which_omega(
    alpha: dict[str, float],
    a_o: dict[str, Any],
    v_o: dict[str, Any],
    a_b: dict[str, Any],
    v_b: dict[str, Any],
) -> str:
    """What each reliability coefficient describes, and why they differ (from the numbers)."""
    observed = (dec(a_o["omega_total"]), dec(v_o["omega_total"]))
    latent = (dec(a_b["omega_total"]), dec(v_b["omega_total"]))
    alphas = (dec(alpha["anxiety"]), dec(alpha["avoidance"]))
    over_alpha = _compared(
        ((a_o["omega_total"], alpha["anxiety"]), (v_o["omega_total"], alpha["avoidance"]))
    )
    over_observed = _compared(
        ((a_b["omega_total"], a_o["omega_total"]), (v_b["omega_total"], v_o["omega_total"]))
    )
    return f"""**Which coefficient is which.** Alpha and the observed-score omegas describe
the score a person actually gets, the sum of their answers 1 to 5, and use the Pearson
correlations of those answers. Alpha assumes that every item measures the dimension equally
well; omega lets each item load differently and, through the bifactor model, counts the
clusters of similar items as reliable but not general variance: observed-score omega total is
{observed[0]} for anxiety and {observed[1]} for avoidance, {over_alpha} alpha ({alphas[0]} and
{alphas[1]}). The latent-response omegas of chapter 5 ({latent[0]} and {latent[1]}) use
polychoric correlations, which estimate how the continuous tendencies behind the answers
correlate before they are cut into five categories; they describe those latent responses, not
the 1-5 score, and are {over_observed} the observed-score values: sorting a continuous tendency
into five boxes adds error of its own, which the observed scores carry and the latent responses
do not. Compare alpha with the observed-score omegas, and read the latent-response omegas as the
structure of the items; the site reports theta, whose precision is the marginal reliability and
the standard errors below."""


def item_fit(n: dict[str, Any]) -> str:
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
    return f"""## 7. Item fit

S-X2 (Orlando & Thissen, 2000, generalised to graded items) compares, within groups of people
with the same summed score, the observed share of each answer with the model's. With tens of
thousands of complete patterns, {significant} of the 36 items misfit significantly (p < .01),
so the RMSEA of S-X2 (misfit per degree of freedom) is the number to read; values below .05 are
usually called close fit. Category proportions: observed against model-implied over the whole
sample.

{table(FIT_HEADER, rows)}

{fit_verdict(n)} The figure shows where they depart from the model: the observed share
of each answer against the model's expectation at each summed score.

{figure("item_fit", FIT_CAPTION)}
"""


def fairness(n: dict[str, Any]) -> str:
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
            f"**{name.capitalize()}: {contrast['focal']} (focal) against {contrast['reference']} "
            f"(reference).**\n\n"
            + table(
                [
                    "dimension",
                    "n focal / reference (sample of all)",
                    "items flagged",
                    "largest Nagelkerke change",
                    "lordif McFadden flags",
                    "largest matched differences (item: SD)",
                    "DTF: raw-score difference at equal theta",
                    "impact: focal - reference mean theta",
                ],
                lines,
                "llllllll",
            )
        )
    total_flags = sum(
        1
        for contrast in d.values()
        for c in contrast["dimensions"].values()
        for v in c["items"].values()
        if v["flag"]
    )
    return f"""## 8. Fairness: differential item functioning

**Method and flag rule (stated before the analysis).** Ordinal logistic regression DIF
(Zumbo, 1999; as in `lordif`, Choi, Gibbons & Crane, 2011), fitted with statsmodels'
`OrderedModel`. For each item, the keyed answer is modelled from the person's full-form theta
(M1), plus group (M2), plus group x theta (M3). The effect size is the change in Nagelkerke's
pseudo-R-squared from M1 to M3; an item is **flagged** when the 2-df likelihood-ratio test has
p < {dec(rules["alpha"], 2)} **and** the change is at least {dec(rules["moderate"])} (moderate;
at least {dec(rules["large"])} is large; Jodoin & Gierl, 2001). As a second opinion, the number
of items with a McFadden change of at least {dec(rules["mcfadden"], 2)} (lordif's criterion) is
given. The matched
difference is the focal minus reference mean answer of people with the same theta (theta deciles),
in SD units of the item: the plain size of the difference. Men and women are compared (the
{count(n["sample"]["gender"]["other"])} people of another gender are too few for a stable
analysis), people aged 35 and over against people aged 18-24, and people aged 13-17 against
people aged 18-24 (the under-18s are in the calibration but not in the norms, chapter 3).
Matching uses the shipped
bank's thetas without iterative purification. The models are fitted on a fixed random sample of
at most {count(rules["sample"])} people per group (seed {rules["seed"]}; effect sizes do not
depend on the sample size); the impact column uses everybody.

{chr(10).join(s + chr(10) for s in sections)}
**Differential test functioning (DTF).** The last-but-one column is the expected difference in
the raw summed score (18 items, 18-90) between a focal-group person and a reference-group person
with the same theta, averaged over the focal group, from the M3 models of all items: what the
item-level differences add up to for a score.

{figure("dif", "change in Nagelkerke R-squared per item; dotted line: moderate, dashed: large")}

**Conclusion.** {dif_conclusion(d, total_flags, rules)}
"""


def dif_conclusion(d: dict[str, Any], total_flags: int, rules: dict[str, Any]) -> str:
    """A plain conclusion: flags, the range of matched differences and the largest DTF."""
    matched = [
        v["matched_difference_sd"]
        for contrast in d.values()
        for c in contrast["dimensions"].values()
        for v in c["items"].values()
    ]
    dtf = max(
        abs(c["dtf_signed_sd"]) for contrast in d.values() for c in contrast["dimensions"].values()
    )
    sizes = (
        f"At the same theta, item means differ between the groups by {num(min(matched))} to "
        f"{num(max(matched))} item SDs; summed over a dimension, these differences move the raw "
        f"score by at most {num(dtf, 3)} SD of the raw score (DTF)."
    )
    if total_flags == 0:
        return (
            f"No item reaches the moderate threshold ({dec(rules['moderate'])}) in any of the "
            f"{len(d)} contrasts. "
            + sizes
            + " The items work in practically the same way for men and women, for younger "
            "and older adults and for 13-17 year olds and young adults, which is why one set of "
            "item parameters is used for everybody; "
            "percentiles can still be read against the person's own gender and age group "
            "(chapter 9)."
        )
    return (
        f"{total_flags} item-contrast combinations reach the moderate threshold; they are "
        "listed above. "
        + sizes
        + " The items stay in the bank because removing them would change the published "
        "questionnaire; the differences are disclosed here, and percentiles can be read "
        "against the person's own gender and age group (chapter 9)."
    )


def norms(n: dict[str, Any]) -> str:
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
    return f"""## 9. Norms

**Who a person is compared with.** Percentiles compare a person's theta with the full-form EAP
thetas of the calibration respondents aged 18 and over, the default group when a person gives no
gender or age, or with the most specific group the person chooses that has at least
{count(bank["norm_min_group_size"])} people (gender x age band, then age band, then gender, then
all adults). The tables the site uses, with the number of people in each ("-": too few, the
next broader group is used):

{table(["gender", "all ages 18+", *bands], rows)}

The {count(n["sample"]["gender"]["other"])} respondents of another gender (all ages) are too few
for a group of their own; a person who gives another gender is compared with their age band.

**How percentiles are computed.** For each group and dimension the bank stores the theta at every
whole percent (101 quantiles), computed from the full-form EAPs (answered items only). A
theta's percentile is read off by linear interpolation; tied quantiles (people who gave the most
extreme answers share one EAP) are merged at their mean percent, which gives the mid-rank for
ties. The **range** shown with a percentile comes from the person's own uncertainty: the central
95% posterior interval of theta, converted through the same table, so it is narrow after the
full form and wide after a few questions.

**Style shares.** Of all calibration respondents, {pct(shares["secure"])} fall in the secure
quadrant, {pct(shares["anxious"])} anxious, {pct(shares["avoidant"])} avoidant and
{pct(shares["disorganized"])} fearful-avoidant (full-form scores against the cuts). These are
shares of this volunteer sample, not population prevalences.

{figure("norms", "distribution of full-form thetas in the calibration sample, with the cuts")}
"""


def classification(n: dict[str, Any]) -> str:
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
    stored_text = stored_classification(stored, bank, c["full"])
    cut_anx = bank["dimensions"]["anxiety"]["cut"]
    cut_avo = bank["dimensions"]["avoidance"]["cut"]
    return f"""## 10. Classification

**The cut rule.** A dimension is "high" when theta is above the theta at which the test
characteristic curve (the model-expected mean keyed answer over the dimension's 18 items) equals
3, the scale midpoint: the IRT version of the classical rule "mean of the keyed items at least 3,
neither agree nor disagree". The cuts are {num(cut_anx, 3)} (anxiety) and {num(cut_avo, 3)}
(avoidance). A midpoint rule is used because the ECR has no external criterion for "high"
(Brennan et al., 1998, formed their four groups by cluster analysis of their own sample); a rule
fixed on the response scale does not depend on who happened to answer. The style shown is the
most probable quadrant of the person's posterior.
On the complete response patterns of the calibration file it agrees with the classical midpoint
rule for {pct(bank["classical_agreement"])} of respondents.

**Accuracy and consistency.** Simulated under the fitted model: true thetas drawn from N(0, 1),
each simulee answers twice, independently, and each sitting is scored as the site scores a person
(seed {c["seed"]}). *Consistency* is the chance that the two sittings give the same style;
*accuracy* the chance that the style is the quadrant of the true thetas.{stored_text}

{table(["form", "simulees", "consistency", "accuracy", "Monte Carlo SE"], rows)}

**By distance from the cut.** Right at a cut, a style is close to a coin toss for any
questionnaire, so agreement is lowest near the cuts: consistency / accuracy by the distance
of the true theta from the nearest cut (share of simulees in each band in the second column).

{table(["distance (theta)", "share", "full form", "adaptive", "ECR-S"], dist_rows)}

{figure("classification", CLASSIFICATION_CAPTION)}

Because a style near a cut is uncertain, the site shows the probability of each style, not
only the most probable one. These figures assume the GRM is true, which ignores the local
dependence of chapter 5; the site quotes the retest agreement simulated under a model that keeps
it (chapter 14), {pct(n["calibration"]["forms"]["full"]["retest_agreement"])} for the full form.
"""


def stored_classification(
    stored: dict[str, Any] | None, bank: dict[str, Any], full: dict[str, Any]
) -> str:
    """Where the site's own full-form and quick-test figures come from, without restating them.

    The full-form row is the simulation the bank stores (same code, seed and size); the text
    says so, and quotes the stored figures only if they are not the ones in the table.
    """
    quick = (
        " The quick test is not simulated again here: its row gives the figures stored in"
        " `adaptive_rules.json` by the held-out evaluation (same method and distance bands,"
        " 2,000 simulees, the bank refitted on the training split), which is what the package"
        " reports as `quick_test_consistency()` and `quick_test_accuracy()`."
    )
    if not stored:
        return quick
    same = pct(stored["consistency"]) == pct(full["consistency"]) and pct(
        stored["accuracy"]
    ) == pct(full["accuracy"])
    if same:
        return (
            " The full-form row is also what `make calibrate` stores in the bank (same method,"
            f" {count(bank['classification']['n_simulees'])} simulees), what the package reports"
            " as `full_form_consistency()` and `full_form_accuracy()`." + quick
        )
    return (
        f" `make calibrate` stored {pct(stored['consistency'])} and {pct(stored['accuracy'])} in"
        f" the bank ({count(bank['classification']['n_simulees'])} simulees); the package reports"
        " those." + quick
    )


def adaptive(n: dict[str, Any]) -> str:
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
    errors = table(
        ["style probability", "expected calibration error"],
        [[label, dec(value)] for label, value in a["calibration_error"].items()],
    )
    return f"""## 11. The adaptive test

**Algorithm.** The quick test starts with a fixed set of first items
({items(settings["first_items"])}), the ones whose answers best predict the full-form scores,
and asks at least {settings["min_per_dimension"]} items of each dimension. After that it
forecasts the full-form EAP of each dimension from the answers so far: centred on the current
EAP, with a spread equal to the posterior variance that the unanswered items would still remove
plus an empirical misfit variance ({num(misfit["anxiety"], 3)} for anxiety,
{num(misfit["avoidance"], 3)} for avoidance) for the local dependence of the items. The next
question is the one with the largest expected drop in a loss that combines imprecision and
uncertainty about the style (style weight {num(settings["style_weight"], 0)}); items
residually correlated (Q3*) with answered ones are penalised (penalty
{num(settings["local_dependence_penalty"], 1)}).

**Stopping rule.** {a["stopping_method"][0].upper() + a["stopping_method"][1:]}. The test asks
at least {settings["min_items"]} and at most {settings["max_items"]} items. Its
forecast of the full form's style, shown as a second figure next to the style probabilities
(chapter 14), is tempered (temperature {num(a["temperature"]["anxiety"], 3)} for
anxiety and {num(a["temperature"]["avoidance"], 3)} for avoidance) so that it matches how often
the full form agrees. Rules and settings come from `{a["fit_command"]}` (training split only).

**Held-out study** (`{a["held_out_command"]}`, run once). The bank is refitted on a fixed random
80% of the file and the table uses the {count(a["n_held_out"])} held-out respondents with complete
answers, whose real answers are replayed; agreement and correlations are with their full-form
result from the refitted bank.

{table(ADAPTIVE_HEADER, rows)}

The quick test asks {num(quick["mean_items"])} questions on average
({num(quick["mean_per_dimension"][0], 1)} anxiety and {num(quick["mean_per_dimension"][1], 1)}
avoidance); half the people answer at most {a["length"]["median"]}, nine in ten at most
{a["length"]["p90"]}. People far from both cuts finish early, people near a cut need many
items. Under the model (chapter 10, {count(simulated["n"])} simulees) its classification
consistency is {pct(simulated["consistency"])} and its accuracy {pct(simulated["accuracy"])},
against {pct(full["consistency"])} and {pct(full["accuracy"])} for the full form.

How well the forecast of the full form's style (since chapter 14 the quick test's second
figure, no longer its style probabilities) matches how often the style agrees with the full
form (held-out, expected calibration error; 0 is perfect):

{errors}

Several candidate rules were looked at on this held-out split during development (see
`docs/psychometrics.md`), so these figures are somewhat optimistic; the independent 20% kept by
the data owner is the clean check.
"""


def validity(n: dict[str, Any]) -> str:
    d = n["dif"]["gender"]["dimensions"]
    a = n["dif"]["age"]["dimensions"]
    return f"""## 12. Validity evidence: available and missing

The *Standards* (AERA, APA & NCME, 2014) ask for evidence from test content, response
processes, internal structure, relations to other variables and consequences.

**Available from these data.**

- *Internal structure*: two near-orthogonal dimensions as the ECR intends (chapter 5; factor
  correlation {dec(n["structure"]["cfa"]["factor_correlation"])}), each dominated by a general
  factor, with secondary clusters of similar items; item fit (chapter 7); DIF (chapter 8).
- *Group differences*: mean full-form theta of women minus men,
  {num(d["anxiety"]["impact_theta"])} (anxiety) and {num(d["avoidance"]["impact_theta"])}
  (avoidance); of adults aged 35 and over minus 18-24 year olds,
  {num(a["anxiety"]["impact_theta"])} (anxiety) and {num(a["avoidance"]["impact_theta"])}
  (avoidance). Published studies find attachment anxiety lower in older adults (Chopik,
  Edelstein & Fraley, 2013); differences in a volunteer sample are weak evidence either way.

**Not available from these data.** The file holds only the 36 answers, age, gender and
country: no other questionnaire (so no convergent or discriminant correlations), no retest (so
no stability), no relationship outcomes, no interview-based attachment classification. Those
claims rest on the published literature on the ECR, not on this calibration:

- The ECR was built from a factor analysis of nearly all self-report attachment measures of
  the time (Brennan, Clark & Shaver, 1998); its two scales became the standard dimensions of
  adult attachment (Mikulincer & Shaver, 2016).
- An IRT analysis found the ECR the most precise of the measures compared, with less precision
  at the secure ends, and led to the ECR-R (Fraley, Waller & Brennan, 2000).
- The ECR-R's scores are stable over several weeks (Sibley & Liu, 2004) and relate as expected
  to daily experiences in relationships (Sibley, Fischer & Liu, 2005).
- The 12-item ECR-S keeps the two-factor structure and the validity correlations of the full
  ECR (Wei, Russell, Mallinckrodt & Vogel, 2007).
- Taxometric analyses find attachment dimensional, not categorical (Fraley, Hudson, Heffernan &
  Segal, 2015), which is why the styles here are shown with their probabilities.

None of these studies used the 5-point online version or the adaptive form; their evidence
transfers only by analogy. Evidence specific to securebase (a retest study, correlations with
other measures) would need new data.

### References

- American Educational Research Association, American Psychological Association & National
  Council on Measurement in Education (2014). *Standards for educational and psychological
  testing*. AERA.
- Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item parameters:
  Application of an EM algorithm. *Psychometrika, 46*, 443-459.
- Brennan, K. A., Clark, C. L., & Shaver, P. R. (1998). Self-report measurement of adult
  attachment: An integrative overview. In J. A. Simpson & W. S. Rholes (Eds.), *Attachment
  theory and close relationships* (pp. 46-76). Guilford.
- Choi, S. W., Gibbons, L. E., & Crane, P. K. (2011). lordif: An R package for detecting
  differential item functioning using iterative hybrid ordinal logistic regression/item
  response theory and Monte Carlo simulations. *Journal of Statistical Software, 39*(8), 1-30.
- Chopik, W. J., Edelstein, R. S., & Fraley, R. C. (2013). From the cradle to the grave: Age
  differences in attachment from early adulthood to old age. *Journal of Personality, 81*(2),
  171-183.
- Christensen, K. B., Makransky, G., & Horton, M. (2017). Critical values for Yen's Q3:
  Identification of local dependence in the Rasch model using residual correlations. *Applied
  Psychological Measurement, 41*(3), 178-194.
- Fraley, R. C., Hudson, N. W., Heffernan, M. E., & Segal, N. (2015). Are adult attachment
  styles categorical or dimensional? A taxometric analysis of general and relationship-specific
  attachment orientations. *Journal of Personality and Social Psychology, 109*(2), 354-368.
- Fraley, R. C., Waller, N. G., & Brennan, K. A. (2000). An item response theory analysis of
  self-report measures of adult attachment. *Journal of Personality and Social Psychology,
  78*(2), 350-365.
- Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
  *Psychometrika, 30*, 179-185.
- Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure
  analysis: Conventional criteria versus new alternatives. *Structural Equation Modeling, 6*(1),
  1-55.
- Jodoin, M. G., & Gierl, M. J. (2001). Evaluating type I error and power rates using an effect
  size measure with the logistic regression procedure for DIF detection. *Applied Measurement in
  Education, 14*(4), 329-349.
- Mikulincer, M., & Shaver, P. R. (2016). *Attachment in adulthood: Structure, dynamics, and
  change* (2nd ed.). Guilford.
- Orlando, M., & Thissen, D. (2000). Likelihood-based item-fit indices for dichotomous item
  response theory models. *Applied Psychological Measurement, 24*(1), 50-64.
- Reise, S. P., Scheines, R., Widaman, K. F., & Haviland, M. G. (2013). Multidimensionality and
  structural coefficient bias in structural equation modeling: A bifactor perspective.
  *Educational and Psychological Measurement, 73*(1), 5-26.
- Rodriguez, A., Reise, S. P., & Haviland, M. G. (2016). Evaluating bifactor models: Calculating
  and interpreting statistical indices. *Psychological Methods, 21*(2), 137-150.
- Samejima, F. (1969). Estimation of latent ability using a response pattern of graded scores.
  *Psychometrika Monograph Supplement, 17*.
- Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor solutions.
  *Psychometrika, 22*, 53-61.
- Sibley, C. G., Fischer, R., & Liu, J. H. (2005). Reliability and validity of the revised
  Experiences in Close Relationships (ECR-R) self-report measure of adult romantic attachment.
  *Personality and Social Psychology Bulletin, 31*(11), 1524-1536.
- Sibley, C. G., & Liu, J. H. (2004). Short-term temporal stability and factor structure of the
  revised experiences in close relationships (ECR-R) measure of adult attachment. *Personality
  and Individual Differences, 36*(4), 969-975.
- Wei, M., Russell, D. W., Mallinckrodt, B., & Vogel, D. L. (2007). The Experiences in Close
  Relationship Scale (ECR)-Short Form: Reliability, validity, and factor structure. *Journal of
  Personality Assessment, 88*(2), 187-204.
- Yen, W. M. (1984). Effects of local item dependence on the fit and equating performance of the
  three-parameter logistic model. *Applied Psychological Measurement, 8*(2), 125-145.
- Zumbo, B. D. (1999). *A handbook on the theory and methods of differential item functioning
  (DIF): Logistic regression modeling as a unitary framework for binary and Likert-type (ordinal)
  item scores*. Directorate of Human Resources Research and Evaluation, Department of National
  Defense, Ottawa.
"""


def limitations(n: dict[str, Any]) -> str:
    s = n["sample"]
    return f"""## 13. Limitations

- **Sample.** Self-selected online volunteers ({pct(s["gender"]["female"] / s["n"], 0)} women,
  median age {num(s["age_median"], 0)}, mostly from English-speaking countries). Norms describe
  this group, not the general population; the style shares are not prevalences.
- **Format.** The 5-point online version differs from the published 7-point ECR; published norms,
  cut-offs and validity studies transfer only by analogy (chapters 2 and 12).
- **Local dependence.** The GRM assumes the items of a dimension are independent given theta;
  they are not quite (chapter 5), so its standard errors and reliabilities are optimistic. The
  certainty the site shows is widened against a bifactor model of the answers (chapter 14);
  scoring with a bifactor or testlet IRT model would be the principled fix.
- **Precision at the extremes.** Very low avoidance and very low anxiety are measured with much
  larger error than the middle (chapter 6).
- **Styles are cut from dimensions.** Near a cut, the style is uncertain for any form
  (chapter 10); the four styles are a summary, not natural kinds.
- **No external validity evidence in these data** (chapter 12): no retest, no other measures, no
  outcomes.
- **Adaptive test.** Tuned and evaluated on the same data release; held-out figures were looked
  at more than once (chapter 11). The independent 20% kept by the data owner is the clean check.
- **DIF** was examined for gender (men, women) and age only, without purification, and not for
  country, language or other groups; people of another gender were too few to analyse.
"""


CALIBRATION_CAPTION = (
    "reliability of the shown top-style probability against the simulated true quadrant, "
    "before and after widening (bins of at least 30 people)"
)
FORM_LABELS = {"full": "full form (36 items)", "adaptive": "quick test"}
REALISM_HEADER = [
    "answers",
    "SD of scores (anx. / avo.)",
    "r between scores",
    "style shares (sec. / anx. / avo. / f-a)",
]
SOLUTIONS = {"schmid_leiman": "Schmid-Leiman solution", "cfa": "confirmatory bifactor"}
RELIABILITY_HEADER = [
    "form",
    "ECE",
    "mean top probability",
    "at 90% or more",
    "top style is the true one",
]


def calibration_study(n: dict[str, Any]) -> str:
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
    held_text = (
        f"""**Held-out real respondents** (`{c["held_out_command"]}`, run once; a check, nothing
was tuned on it). The {count(held["people"])} held-out respondents with complete answers were
scored both ways with the shipped bank. The mean top-style probability is now
{dec(held["mean_top_after"]["full"])} after the full form and
{dec(held["mean_top_after"]["adaptive"])} after the quick test (before the widening:
{dec(held["mean_top_before"]["full"])} and {dec(held["mean_top_before"]["adaptive"])}, the
quick test then sounding surer than the full form); {pct(held["share_quite_sure_after"]["full"])}
and {pct(held["share_quite_sure_after"]["adaptive"])} are shown a top style at 90% or more. The
quick test gave the full form's style to {pct(held["quick_gives_full_style"])} of them, against
a mean shown `full_form_agreement` of {dec(held["mean_full_form_agreement"])}. The SD of the
full-form EAP is {dec(held["full_real_eap_sd"][0])} (anxiety) and
{dec(held["full_real_eap_sd"][1])} (avoidance) for these real people and
{dec(c["simulated_eap_sd"][0])} and {dec(c["simulated_eap_sd"][1])} for the simulated ones: as in
the training check above, real answers are somewhat more spread out than the generating model
makes them (it has no response styles such as always choosing the ends of the scale), so the
simulation is not a perfect copy.
"""
        if held
        else "The held-out check has not been run (`--held-out`)."
    )
    return f"""## 14. How sure the result is: calibration against a model with local dependence

**Why.** The graded response model (chapter 4) treats the answers to one dimension as
independent given the person's position. Chapter 5 shows that they are not: clusters of
similarly worded statements share variance beyond the general factor. A posterior that ignores
this counts the same information several times and is too narrow, and a simulation that draws
answers from the GRM itself cannot reveal it. This chapter checks the certainty the site shows
against simulated people drawn from a model that keeps the local dependence, and widens it until
it is calibrated.

**One meaning.** After both forms, the style probabilities, the percentile ranges and the
chart's region describe one thing: where the person's *true position* lies, given their answers.
All three come from one normal distribution per dimension, centred on the EAP with standard
deviation *k* times the posterior SD (*k* per form and dimension); the style probabilities are
products of the two chances of being above the cut. A dot on a dividing line therefore always
shows that dimension at 50%, and the region crosses a line only while no style is shown above
98.7%. The quick test adds a second, separately worded figure: how likely the full
questionnaire is to give the same style (`full_form_agreement`, the tempered forecast of
chapter 11).

**The generating model** (`{c["model_command"]}`, {count(model["n_training"])} complete
respondents of the training split). Per dimension, a latent-response bifactor model: a general
factor and three orthogonal group factors, fitted to the polychoric matrix. Two solutions were
fitted, the Schmid-Leiman transformation of a three-factor oblimin solution and a confirmatory
bifactor model with its item groups; the one closer to the polychoric correlations (smaller
root mean square residual, RMSR) generates the answers: the {SOLUTIONS[model["solution"]]}.
Omega, omega-hierarchical and ECV are computed from each solution's loadings, with uniquenesses
``1 - g^2 - sum s^2`` (on latent responses, not observed scores):

{table(["solution", "dimension", "omega total", "omega-h", "ECV", "RMSR"], fit_rows)}

The chosen solution keeps the dependence chapter 5 describes (omega-hierarchical
{dec(sl["anxiety"]["omega_hierarchical"])} and {dec(sl["avoidance"]["omega_hierarchical"])}, ECV
{dec(sl["anxiety"]["ecv"])} and {dec(sl["avoidance"]["ecv"])}); the confirmatory solution,
which forbids cross-loadings on the group factors, puts more of the variance on the general
factor. Between the dimensions, the factors correlate as the
between-dimension polychorics say (least squares): the general factors
{dec(model["general_correlation"])}, offset by correlated group factors (some clusters of
statements touch both dimensions). Answers are simulated by drawing the factors and a normal
residual, cutting the latent response at each item's thresholds (from the training proportions)
and reverse-keying. As many simulated people as training respondents, scored with the shipped
bank like the real ones (seed {model["realism"]["seed"]}):

{table(REALISM_HEADER, realism_rows)}

A simulated person's true position is their general factor: standard normal in
the population, the metric of the GRM's theta; the true quadrant is the general factors against
the bank's cuts.

**Widening** (`{c["command"]}`). {count(c["fit_people"])} simulated people answer all 36
statements and are scored with the shipped bank both ways: all answers, and the quick test
replayed with their answers (its selection and stopping rules unchanged). Per form and
dimension, *k* minimises the log loss of the chance of being above the cut against the true
side; {c["folds"]}-fold cross-validation gives the out-of-fold log loss and the range of *k*
over the folds:

{table(["form", "dimension", "k (fold range)", "log loss, k = 1", "log loss, fitted k"], k_rows)}

The full form needs the larger widening: its 18 answers per dimension pin down the GRM theta
precisely, but the GRM theta contains the group factors, so it stays further from the general
factor than its posterior SD says.

**Calibration** on {count(c["evaluation_people"])} other simulated people. Expected calibration
error (ECE) of the top style's probability, mean top-style probability and share shown a top
style at 90% or more, before / after (before: the full form's unwidened posterior; the quick
test's former probabilities, which were the forecast of the full form's style), and the share
whose true quadrant is the top style:

{table(RELIABILITY_HEADER, reliability_rows)}

{figure("calibration", CALIBRATION_CAPTION)}

After the widening the quick test is, on average, less sure than the full form
({dec(quick["after"]["mean_top"])} against {dec(forms["full"]["after"]["mean_top"])}), as a
shorter test should be; before, it sounded much surer.

**Coverage** of the true position by the 95% percentile ranges (per dimension) and by the
chart's joint 95% region, same simulated people:

{table(["form", "", "anxiety range", "avoidance range", "region"], coverage_rows)}

**The quick test's second figure.** On the simulated people the quick test asked
{num(quick["mean_answers"], 1)} questions on average, showed a mean `full_form_agreement` of
{dec(quick["full_form_agreement"]["mean_shown"])}, and gave the same style as the same people's
full form for {pct(quick["full_form_agreement"]["share_same_as_full"])}.

**Retest agreement.** The same simulated people answer a second time: every factor is kept and
the residuals are drawn afresh, which is what a retest shows for people whose attachment did not
change. The full form gives the same style twice for
**{pct(forms["full"]["retest_agreement"])}** of them and the quick test for
**{pct(quick["retest_agreement"])}**; the site quotes these figures, labelled as simulated for
people who did not change. Real retests also capture real change, so they agree less. If the
group factors are treated as passing states and drawn afresh too, agreement is
{pct(forms["full"]["retest_agreement_new_groups"])} and
{pct(quick["retest_agreement_new_groups"])}. (The consistency of chapter 10 assumes the GRM is
true; it is no longer shown on the site.)

{held_text}
**Limits.** The truth here is a model fitted to the same kind of data, not an external
criterion. *k* is one number per form and dimension, so the widening is right on average over
the people, not for every answer pattern. Taking the general factor as the true position is a
choice: it is what the two dimensions share across all their statements; a person's standing on
a cluster of statements is also real, but it is not what the style is about.
"""


PERSON_FIT_CAPTION = (
    "the person-fit statistic on the full form for training respondents, for answers simulated "
    "from the model and for random answers"
)
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


def _rate_rows(block: dict[str, Any]) -> list[list[str]]:
    return [
        [CHECK_NAMES[check], pct(block["full"][check]), pct(block["quick"][check])]
        for check in CHECK_NAMES
    ]


def response_quality(n: dict[str, Any]) -> str:
    p = n["person_fit"]
    protocol = p["protocol"]
    thresholds = table(
        [
            "answers",
            "lz* below",
            "distance from",
            "same answer from",
            "neutral from",
            "contradiction from",
        ],
        [
            [
                f"{row['min_answers']}-{row['max_answers']}",
                num(row["person_fit"]),
                num(row["distance"]),
                pct(row["same_answer"], 0),
                pct(row["midpoint"], 0),
                num(row["contradiction"]),
            ]
            for row in p["thresholds"]
        ],
    )
    training = table(["check", "full form", "quick test"], _rate_rows(p["training"]))
    held = p["held_out"]
    if held is None:
        held_text = "The held-out run has not been made yet."
    else:
        held_text = (
            f"Held-out respondents ({count(held['full']['n'])} complete patterns on the full form; "
            f"{count(held['quick']['n'])} of them, drawn at random, replayed through the quick "
            "test), run once:\n\n" + table(["check", "full form", "quick test"], _rate_rows(held))
        )
    hits = table(
        ["simulated pattern", "full form", "quick test"],
        [
            [
                PATTERN_NAMES[name],
                pct(p["simulated"]["full"][name]["any"]),
                pct(p["simulated"]["quick"][name]["any"]),
            ]
            for name in PATTERN_NAMES
        ],
    )
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
    return f"""## 15. Person fit and response quality

A score is only as good as the answers behind it. Before a result is shown, five checks look
at the pattern of the answers; if any fails, the result page, the PDF and the email say that
the answers cannot be scored well, offer to start again (and the full questionnaire), and show
no style and no scores. The flags are stored with the result (`Result.quality`) and returned by
the API.

**Misfit.** The standardized log-likelihood statistic lz (Drasgow, Levine & Williams, 1985),
in the form lz* corrected for the estimated theta (Snijders, 2001; for polytomous items
Sinharay, 2016), at the posterior mode under the N(0, 1) prior; the two dimensions' terms are
added into one statistic. For answers that follow the model it is close to standard normal
(full form, {count(lz["model"]["n"])} simulees: mean {num(lz["model"]["mean"])}, SD
{num(lz["model"]["sd"])}); low values mean misfit. The maintained implementations are in R
(PerFit, PP); ours is checked against simulated answers by the test suite. On the training
respondents the mean is {num(lz["real"]["mean"])} (SD {num(lz["real"]["sd"])}), on uniform
random answers {num(lz["random"]["mean"])}.

{figure("person_fit", PERSON_FIT_CAPTION)}

The model-based lz* alone separates random answers poorly from real ones: real answers have a
long left tail (local dependence, chapter 5, and some careless respondents). The second misfit
statistic is therefore the Mahalanobis distance of the answers from those of the training
respondents (mean and covariance of their answers as clicked; Meade & Craig, 2012), over the
statements answered and turned into a normal deviate through the chi-square distribution with
as many degrees of freedom as answers, so that it reads the same on 8 and on 36 answers. It
uses how the statements go together in real answers, which random answers ignore. Either
statistic beyond its threshold raises the misfit flag; the tables give each one's share too.

**Same answer and mostly neutral.** The share of one answer among the statements worded one
way and, at the same time, among the ten worded the other way (items 3, 15, 19, 22, 25, 27,
29, 31, 33 and 35; the smaller of the two shares, for the answer where it is largest): clicking
1 everywhere gives 100%, a consistent person who disagrees with the anxious statements and
agrees with the secure ones gives 0%. Separately, the share of "neither agree nor disagree".
A threshold is never above 100%, so the same answer to every statement, and the all-neutral
pattern, are always flagged.

**Contradictory wording.** On each dimension the person is scored twice, from the statements
worded one way and from those worded the other way; the statistic is the larger of the two
standardized gaps |EAP difference| / sqrt(SD1^2 + SD2^2). Agreeing with a statement and with
its opposite pulls the two scores apart.

**Too fast.** The site stores when each answer arrives and takes the median gap between
answers. It is flagged when it is below the time a very fast reader needs for the median
statement at {num(protocol["fast_reading_words_per_second"], 0)} words a second (600 words a
minute: twice the top of the usual range of adult silent reading, 175 to 300 words a minute
for non-fiction, average 238; Brysbaert, 2019). The public data have no response times, so
this threshold cannot be checked against real respondents; it is deliberately lenient and
only catches answering far faster than reading.

**Thresholds** (`{p["command"]}`). Chosen on the complete training respondents (fixed 80%
split, seed {protocol["split_seed"]}): {count(protocol["training_complete_respondents"])} full
forms and {count(protocol["quick_test_replays"])} quick tests replayed with their real answers,
because the statistics behave differently on 8 and on 36 answers. In each range of answer
counts the checks share a false-alarm budget ({weights} parts); each check gets the most
lenient threshold that flags no more than its part, and the budget is the largest that flags
at most {pct(protocol["target_training_any"], 0)} of the training respondents in total (a
margin under the 5% target). The split of the budget was chosen among
{len(protocol["budget_candidates"])} candidates as the one that flags the most simulated random
answers (training data and simulations only). The full-form misfit thresholds are lz* below
{num(full_cut)} and distance from {num(p["thresholds"][-1]["distance"])}.

{thresholds}

Flagged among training respondents:

{training}

{held_text}

Hit rates on simulated careless answers (any flag; {count(p["simulated"]["full"]["random"]["n"])}
random patterns per form; the quick test replayed with them):

{hits}

**Limitations.** The "false alarms" on real respondents are not all false: these are unscreened
online volunteers, some of whom answered carelessly, so the real false-alarm rate is lower than
the flagged share and the hit rate on real careless answers is unknown. Random answers on the
quick test are the hardest case: after 8 to 24 answers a random pattern often still looks like
a possible person. With the chosen split of the budget, lz* flags only the most extreme
patterns and the distance does most of the work. Item parameters were estimated on all
respondents, held-out ones included (the thresholds and the flags were not). Response times
are not in the public data; the speed threshold rests on reading research, not on this
sample. Person-fit statistics detect answers
that do not fit the model; they cannot tell why (carelessness, a misunderstanding, or a person
the model describes badly), which is why the page offers to start again rather than judging.

References:

- Brysbaert, M. (2019). How many words do we read per minute? A review and meta-analysis of
  reading rate. *Journal of Memory and Language, 109*, 104047.
- Drasgow, F., Levine, M. V., & Williams, E. A. (1985). Appropriateness measurement with
  polychotomous item response models and standardized indices. *British Journal of
  Mathematical and Statistical Psychology, 38*, 67-86.
- Meade, A. W., & Craig, S. B. (2012). Identifying careless responses in survey data.
  *Psychological Methods, 17*, 437-455.
- Sinharay, S. (2016). Asymptotically correct standardization of person-fit statistics beyond
  dichotomous items. *Psychometrika, 81*, 992-1013.
- Snijders, T. A. B. (2001). Asymptotic null distribution of person fit statistics with
  estimated person parameter. *Psychometrika, 66*, 331-342.
"""


PAIR_LABELS = {
    "full/full": "All questions, twice",
    "quick/quick": "Quick test, twice",
    "quick/full": "Quick test, then all questions",
}

CHANGE_HEADER = [
    "Sittings",
    "Clusters",
    "Anxiety: calibrated (higher / lower)",
    "widened",
    "unwidened",
    "Avoidance: calibrated (higher / lower)",
    "widened",
    "unwidened",
]

POWER_HEADER = [
    "Sittings",
    "True fall (SD)",
    "Anxiety: calibrated",
    "widened",
    "unwidened",
    "Avoidance: calibrated",
    "widened",
    "unwidened",
]

FACTOR_HEADER = [
    "Sittings",
    "k_change anxiety",
    "k_change avoidance",
    "Cross-validated false alarms (anxiety / avoidance)",
]

#: The names of change_errors.json's pairs of forms, as the manual's pairs name them.
FACTOR_PAIRS = {"full/full": "full/full", "quick/quick": "adaptive/adaptive"}
FACTOR_PAIRS["quick/full"] = "adaptive/full"


def change_between_sittings(n: dict[str, Any]) -> str:
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
    lasting, passing = c["lasting"], c["passing"]
    sizes = list(c["power"])
    small, large = c["power"][sizes[0]], c["power"][sizes[-1]]
    wrong_way = max(
        c["power"][size][name][d]["higher"] for size in sizes for name in PAIR_LABELS for d in dims
    )

    def span(rows: dict[str, Any], key: str) -> str:
        values = [rows[name][d][key] for name in PAIR_LABELS for d in dims]
        return f"{pct(min(values))} to {pct(max(values))}"

    verdict = (
        "meets the target on every dimension, pair of forms and assumption"
        if c["meets_target"]
        else "misses the target somewhere; the table says where"
    )
    return f"""## 16. Change between two sittings: false alarms and power of "reliably changed"

A person who takes the quiz again from their private link sees, per score, whether it is
reliably higher, reliably lower or within the quiz's precision
(`securebase.psychometrics.reliable_change`). Following Jacobson and Truax (1991), carried over
to IRT scores, the difference between the two sittings' scores is divided by the standard error
of the difference; beyond the two-sided {level}% critical value the score is called higher or
lower. This chapter explains which standard error, and checks how often unchanged people are
called changed (false alarms, target at most {pct(c["target"], 0)} per score) and how often
people who did change are (power).

**Which error.** The widened standard errors of chapter 14 answer "where is this person's true
position?", which is what the ranges on a result mean. They include each person's standing on
clusters of similarly worded statements (the group factors of the generating model). If that
standing is a lasting trait, a second sitting repeats it and it cancels from the difference, so
the widened errors overstate the wobble between sittings and see almost no real change. If it is
a passing state, it is drawn afresh at each sitting and adds to the wobble, and the model's own,
unwidened posterior SDs understate it. Which is true cannot be learnt from one sitting per
person. The engine therefore uses an error calibrated for change under the pessimistic
assumption: `k_change` times the root sum of squares of the two sittings' posterior SDs, with
`k_change` per pair of forms and score (`securebase.psychometrics.change_errors`). It was
fitted by `python -m securebase.psychometrics.change_errors_study` on {count(fit["people"])}
simulated training people (seed {fit["seed"]}) who did not change, with the clusters drawn
afresh for the second sitting, so that {pct(fit["fit_false_alarm"])} of them are called changed
per score; {fit["folds"]}-fold cross-validation gives the out-of-fold rates below. Results stored
before results named their form are still judged with the widened errors.

{table(FACTOR_HEADER, factor_rows)}

**Method of this check.** {count(c["people"])} other people are drawn from the generating model
(seed {c["seed"]}). Each answers all 36 statements twice with new answer noise and the same
general factors, so nothing about their attachment changed; the clusters are kept for the second
sitting (lasting) or drawn afresh (passing). Each sitting is scored with the shipped model both
ways the site scores (all 36 answers; the quick test replayed with the person's answers), and the
pairs go through the site's own `reliable_change`. The table gives, per score, the share told
"reliably changed" (higher / lower), and for comparison the share the widened errors (what the
engine used before) and the unwidened posterior SDs would call changed. Computed by
`securebase.manual.change_study`.

{table(CHANGE_HEADER, rows)}

The engine {verdict} (largest rate {pct(c["worst_false_alarm"])}). With the clusters redrawn,
{span(passing, "changed")} of unchanged people are called changed per score (the widened errors:
{span(passing, "widened")}; unwidened: {span(passing, "unwidened")}); with the clusters kept,
{span(lasting, "changed")} (widened: {span(lasting, "widened")}; unwidened:
{span(lasting, "unwidened")}).

**Power.** The same people with both general factors lowered by
{" and ".join(num(float(size), 1) for size in sizes)} population standard deviations, clusters
kept (the assumption under which a change is hardest to see), sit the quiz again. The table
gives the share told "reliably lower" with the calibrated errors and the share the widened and
unwidened errors would call changed; at most {pct(wrong_way)} are told "reliably higher" by the
calibrated errors.

{table(POWER_HEADER, power_rows)}

A fall of {num(float(sizes[-1]), 1)} standard deviation in anxiety is seen for
{pct(large["full/full"]["anxiety"]["lower"])} (all questions twice),
{pct(large["quick/quick"]["anxiety"]["lower"])} (quick test twice) and
{pct(large["quick/full"]["anxiety"]["lower"])} (quick, then all) of people, against
{pct(large["full/full"]["anxiety"]["widened"])}, {pct(large["quick/quick"]["anxiety"]["widened"])}
and {pct(large["quick/full"]["anxiety"]["widened"])} with the widened errors; a fall of
{num(float(sizes[0]), 1)} for {pct(small["full/full"]["anxiety"]["lower"])},
{pct(small["quick/quick"]["anxiety"]["lower"])} and {pct(small["quick/full"]["anxiety"]["lower"])}.
{power_words(c["power"])} The page words "within" as "the quiz cannot tell", never as "nothing
changed".

**The style name is not the change.** For people who did not change at all (clusters kept), the
most likely style's name differs between two sittings for
{pct(lasting["full/full"]["label_flips"])} (all questions) to
{pct(lasting["quick/quick"]["label_flips"])} (quick test) of them, with both scores within
precision for {pct(lasting["full/full"]["label_flips_within"])} and
{pct(lasting["quick/quick"]["label_flips_within"])}: these people sit near a dividing line. The
result page therefore explains a changed name with unchanged scores as the wobble it is, and
never reports it as a change. The engine's `style_differs_probability` treats the two sittings'
true positions as separate; for these unchanged people it averages
{pct(lasting["full/full"]["mean_style_differs"])} (all questions) although their true positions
are the same, so it is offered in the API for research, not shown to people.

**Limits.** The errors are calibrated on simulated people from a model fitted to one sitting per
person; real retest data would show whether the clusters are lasting or passing and allow a
sharper error. The people here did not remember their answers; a retake within days mostly
measures memory, which the page says. The simulation knows no practice effects or shifts in how
people read the statements on a second sitting.
"""


def power_words(power: dict[str, Any]) -> str:
    """How much real change is seen, in words that follow the figures."""
    dims = ("anxiety", "avoidance")
    seen = [power[size][name][d]["lower"] for size in power for name in PAIR_LABELS for d in dims]
    sizes = " and ".join(f"{num(float(size), 1)}" for size in power)
    span = f"{pct(min(seen))} to {pct(max(seen))}"
    if max(seen) < 0.5:
        words = (
            f"So {'almost all' if max(seen) < 0.1 else 'most'} real falls of {sizes} standard "
            f"deviations ({span} seen, depending on "
            'size, score and forms) are called "within what the quiz can tell apart"'
        )
    elif min(seen) >= 0.8:
        words = f"So almost every real fall of {sizes} standard deviations is seen ({span})"
    else:
        words = f"So the share of real falls of {sizes} standard deviations seen ranges {span}"
    return (
        f"{words}. This is the price of keeping false alarms at most 5% if the clusters are "
        "passing states: a redrawn standing on a cluster moves a score between sittings as a "
        "real change would, and the scoring model cannot tell the two apart (the unwidened "
        "errors' false alarms above)."
    )


CHAPTERS = (
    title_page,
    purpose,
    instrument,
    sample,
    item_statistics,
    dimensionality,
    reliability,
    item_fit,
    fairness,
    norms,
    classification,
    adaptive,
    validity,
    limitations,
    calibration_study,
    response_quality,
    change_between_sittings,
)


def render(numbers: dict[str, Any]) -> str:
    """The whole manual as Markdown (deterministic in ``numbers``)."""
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
    return "\n".join(chapter(numbers).strip() + "\n" for chapter in CHAPTERS)
