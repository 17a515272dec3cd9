"""The product catalogue: goods the reporting ties to prison labor, with HS 2022 codes.

Terms are what extraction and screening look for in text and shipment descriptions;
HS codes must exist in the bundled HS 2022 table (the build script checks that).
Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    hs_codes: tuple[str, ...]
    terms: tuple[str, ...]  # English and Korean phrases that name the product
    role: str = "output"  # output: made in camps; input: shipped in for toll processing
    note: str | None = None


PRODUCTS: tuple[Product, ...] = (
    Product(
        "product-wigs",
        "wigs",
        ("6704",),
        ("wig", "wigs", "wig-making", "hairpiece", "hairpieces", "가발"),
    ),
    Product(
        "product-false-eyelashes",
        "false eyelashes",
        ("6704",),
        (
            "false eyelashes",
            "false eyelash",
            "fake eyelashes",
            "artificial eyelashes",
            "eyelashes",
            "eyelash",
            "lashes",
            "속눈썹",
            "인조속눈썹",
        ),
    ),
    Product(
        "product-knitted-clothes",
        "knitted clothes",
        ("61",),
        ("knitted clothes", "knitted goods", "knitwear", "knitted garments", "knitting", "뜨개옷", "편직물"),
        note="HS chapter 61: apparel, knitted or crocheted",
    ),
    Product(
        "product-knitted-caps",
        "knitted caps",
        ("6505",),
        ("knitted caps", "knitted cap", "knit hats", "hand-knit hats", "knitted hats", "뜨개모자"),
    ),
    Product(
        "product-crocheted-caps",
        "crocheted caps",
        ("6505",),
        ("crocheted caps", "crochet caps", "crocheted cap", "crochet hats", "코바늘모자"),
    ),
    Product(
        "product-sweater-vests",
        "sweater vests",
        ("6110",),
        ("sweater vests", "sweater vest", "knitted vests", "조끼"),
        note="HS 6110 covers waistcoats, knitted or crocheted",
    ),
    Product("product-dolls", "dolls", ("9503",), ("dolls", "doll", "인형")),
    Product(
        "product-accessories",
        "accessories",
        ("7117", "6217"),
        ("accessories", "accessory", "액세서리", "장신구"),
        note="the reporting does not say which accessories: imitation jewellery (7117) and clothing accessories (6217) are candidates",
    ),
    Product(
        "product-hair",
        "hair (raw material)",
        ("0501", "6703"),
        ("human hair", "processed hair", "hair and wool", "머리카락"),
        role="input",
        note="unworked hair (0501) and hair prepared for wig-making (6703) are shipped in for toll processing",
    ),
    Product(
        "product-thread",
        "thread",
        ("5401", "5508", "5204", "5109"),
        ("thread", "yarn", "knitting yarn", "실", "털실"),
        role="input",
        note="sewing thread of synthetic filaments (5401) or staple fibres (5508), cotton thread (5204), wool yarn (5109)",
    ),
)

BY_ID = {p.id: p for p in PRODUCTS}


def hs_risk_codes() -> dict[str, list[str]]:
    """HS prefix -> product ids; screening uses it to explain why a code is risky."""
    out: dict[str, list[str]] = {}
    for p in PRODUCTS:
        for code in p.hs_codes:
            out.setdefault(code, []).append(p.id)
    return out
