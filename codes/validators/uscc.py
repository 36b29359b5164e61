"""USCC (统一社会信用代码, Unified Social Credit Code), GB 32100-2015 and its amendments.

Eighteen characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, Z, S, V):

* position 1 — registration authority (登记管理部门): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政,
  6 旅游, 7 宗教, 8 工会, 9 工商 (now 市场监管), A 中央军委改革和编制办公室, N 农业, Y 其他;
* position 2 — entity type (机构类别), defined per authority (9 → 1 企业, 2 个体工商户, 3 农民专业合作社 …);
* positions 3–8 — region of the registering authority (登记管理机关行政区划码, GB/T 2260): six digits
  whose first two are a province-level code (11 北京 … 82 澳门), or 100000 for central-level bodies;
* positions 9–17 — the organisation code (主体标识码, GB 11714): eight characters and its own check
  character, weights 3,7,9,10,5,8,4,2, mod 11, 10 → X and 11 → 0;
* position 18 — the check character (GB/T 17710, ISO 7064 style): weights 1,3,9,27,19,26,16,17,20,29,
  25,13,8,24,10,30,28 over the 31-character alphabet, mod 31.

Uncertainty, recorded rather than hidden: authorities A and N were added by amendments published
after 2015 (the table here follows the consolidated lists in circulation; amendment numbers are not
recorded); Y has the single entity type 1; region 100000 (central level) is not a GB/T 2260 entry
but appears on codes of central bodies. Only the province part of the region is checked, since
county codes change every year. python-stdnum 2.2 rejects A/N/Y and never checks the organisation
code (docs/stdnum-disagreements.md).

>>> validate('91110000600037341L')
'91110000600037341L'
>>> validate('９１３１００００ＭＡ１Ｋ３２ＭＮ７Ｆ')
'91310000MA1K32MN7F'
>>> validate('91110000600037341M')
Traceback (most recent call last):
    ...
codes.validators.base.InvalidChecksum: USCC 91110000600037341M: check character should be L, not M
>>> calc_check_digit('9144030071526726X')
'G'
>>> c = check('91330100716105852F').components
>>> c['registration_authority_zh'], c['entity_type_zh'], c['province_zh'], c['organisation_code']
('工商', '企业', '浙江省', '71610585-2')
>>> check('91330100716105862F').errors[0].message_en
'USCC 91330100716105862F: embedded organisation code 71610586-2 (GB 11714) should end in 0, not 2'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from codes.validators.base import (
    DASHES,
    Finding,
    Verdict,
    character_finding,
    drop_table,
    error_for,
    first_outside,
    fold,
    length_finding,
    verdict,
)

__all__ = ["calc_check_digit", "check", "compact", "format", "is_valid", "validate"]

LENGTH = 18
_LABEL = ("USCC", "统一社会信用代码")
_ALLOWED_NAMES = ("0–9 and A–Z without I, O, Z, S, V", "0–9 及除 I、O、Z、S、V 以外的大写字母")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ALLOWED = frozenset(ALPHABET)
_VALUE = {ch: value for value, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_DROP = drop_table(" -" + DASHES)

# registration authority -> (zh, en, {entity type -> (zh, en)})
AUTHORITIES: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "1": ("机构编制", "institutional staffing", {
        "1": ("机关", "government organ"),
        "2": ("事业单位", "public institution"),
        "3": ("中央编办直接管理机构编制的群众团体",
              "mass organisation staffed by the central staffing office"),
        "9": ("其他", "other"),
    }),
    "2": ("外交", "foreign affairs", {
        "1": ("外国常驻新闻机构", "resident foreign news agency"),
        "9": ("其他", "other"),
    }),
    "3": ("司法行政", "judicial administration", {
        "1": ("律师执业机构", "law firm"),
        "2": ("公证处", "notary office"),
        "3": ("基层法律服务所", "grassroots legal service office"),
        "4": ("司法鉴定机构", "forensic institution"),
        "5": ("仲裁委员会", "arbitration commission"),
        "9": ("其他", "other"),
    }),
    "4": ("文化", "culture", {
        "1": ("外国在华文化中心", "foreign cultural centre in China"),
        "9": ("其他", "other"),
    }),
    "5": ("民政", "civil affairs", {
        "1": ("社会团体", "social organisation"),
        "2": ("民办非企业单位", "private non-enterprise unit"),
        "3": ("基金会", "foundation"),
        "9": ("其他", "other"),
    }),
    "6": ("旅游", "tourism", {
        "1": ("外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
        "2": ("港澳台地区旅游部门常驻内地（大陆）代表机构",
              "resident office of a Hong Kong, Macao or Taiwan tourism authority"),
        "9": ("其他", "other"),
    }),
    "7": ("宗教", "religious affairs", {
        "1": ("宗教活动场所", "place of religious activity"),
        "2": ("宗教院校", "religious school"),
        "9": ("其他", "other"),
    }),
    "8": ("工会", "trade unions", {
        "1": ("基层工会", "grassroots trade union"),
        "9": ("其他", "other"),
    }),
    "9": ("工商", "industry and commerce (market regulation)", {
        "1": ("企业", "enterprise"),
        "2": ("个体工商户", "individual business"),
        "3": ("农民专业合作社", "farmers' specialised cooperative"),
    }),
    "A": ("中央军委改革和编制办公室", "CMC reform and staffing office", {
        "1": ("军队事业单位", "military public institution"),
        "9": ("其他", "other"),
    }),
    "N": ("农业", "agriculture", {
        "1": ("组级集体经济组织", "group-level collective economic organisation"),
        "2": ("村级集体经济组织", "village-level collective economic organisation"),
        "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
        "9": ("其他", "other"),
    }),
    "Y": ("其他", "other", {
        "1": ("其他", "other (not subdivided)"),
    }),
}

PROVINCES: dict[str, str] = {
    "10": "中央", "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省",
    "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省",
    "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省",
    "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


def compact(number: str) -> str:
    """Fold to the minimal form: NFKC (full-width to ASCII), no spaces or hyphens, uppercase."""
    return fold(number, _DROP)


def format(number: str) -> str:
    """Return the standard presentation: the compact form."""
    return compact(number)


def calc_check_digit(body: str) -> str:
    """Return the check character (position 18) for the first 17 characters of `body`."""
    body = compact(body)
    bad = first_outside(body, _ALLOWED)
    if bad:
        raise error_for(character_finding(_LABEL, body, bad, _ALLOWED_NAMES))
    return ALPHABET[-sum(_VALUE[ch] * w for ch, w in zip(body, _WEIGHTS, strict=False)) % 31]


def calc_organisation_check(body: str) -> str:
    """Return the GB 11714 check character for the first 8 characters of an organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=False))
    return "0123456789X0"[11 - total % 11]


def is_valid(number: str) -> bool:
    """Return whether `number` is a valid USCC; never raises."""
    return next(_errors(compact(number)), None) is None


def validate(number: str) -> str:
    """Return the compact USCC or raise the ValidationError of its first problem."""
    code = compact(number)
    for finding in _errors(code):
        raise error_for(finding)
    return code


def check(number: str, *, as_of: date | None = None) -> Verdict:
    """Report every error about `number` with its authority, entity type, region and organisation code.

    `as_of` is accepted for a uniform signature; the tables here are not versioned.
    """
    code = compact(number)
    return verdict(number, code, _errors(code), (), _components(code))


def _errors(code: str) -> Iterator[Finding]:
    bad = first_outside(code, _ALLOWED)
    if bad:
        yield character_finding(_LABEL, code, bad, _ALLOWED_NAMES)
    if len(code) != LENGTH:
        yield length_finding(_LABEL, code, LENGTH)
    if bad or len(code) != LENGTH:
        return
    yield from _authority_errors(code)
    yield from _region_errors(code)
    yield from _organisation_errors(code)
    expected = calc_check_digit(code[:17])
    if expected != code[17]:
        yield Finding(
            "invalid_checksum",
            f"USCC {code}: check character should be {expected}, not {code[17]}",
            f"统一社会信用代码 {code}：校验码应为 {expected}，而不是 {code[17]}",
        )


def _authority_errors(code: str) -> Iterator[Finding]:
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        yield Finding(
            "invalid_component",
            f"USCC {code}: registration authority {code[0]} (position 1) is not defined in GB 32100-2015",
            f"统一社会信用代码 {code}：第 1 位登记管理部门码 {code[0]} 未在 GB 32100-2015 中定义",
        )
    elif code[1] not in authority[2]:
        yield Finding(
            "invalid_component",
            f"USCC {code}: entity type {code[1]} (position 2) is not defined for registration authority "
            f"{code[0]} ({authority[1]})",
            f"统一社会信用代码 {code}：第 2 位机构类别码 {code[1]} 未对登记管理部门 {code[0]}"
            f"（{authority[0]}）定义",
        )


def _region_errors(code: str) -> Iterator[Finding]:
    region = code[2:8]
    if not region.isdigit():
        yield Finding(
            "invalid_format",
            f"USCC {code}: region code {region} (positions 3–8) must be six digits",
            f"统一社会信用代码 {code}：第 3–8 位行政区划码 {region} 应为 6 位数字",
        )
    elif region[:2] not in PROVINCES or (region[:2] == "10" and region != "100000"):
        yield Finding(
            "invalid_component",
            f"USCC {code}: region code {region} (positions 3–8) does not start with a province code (11–82)",
            f"统一社会信用代码 {code}：第 3–8 位行政区划码 {region} 不以省级代码（11–82）开头",
        )


def _organisation_errors(code: str) -> Iterator[Finding]:
    body, given = code[8:16], code[16]
    expected = calc_organisation_check(body)
    if given != expected:
        yield Finding(
            "invalid_component",
            f"USCC {code}: embedded organisation code {body}-{given} (GB 11714) should end in {expected}, "
            f"not {given}",
            f"统一社会信用代码 {code}：内含组织机构代码 {body}-{given}（GB 11714）的校验码应为 {expected}，"
            f"而不是 {given}",
        )


def _components(code: str) -> dict:
    if len(code) != LENGTH or first_outside(code, _ALLOWED):
        return {}
    authority = AUTHORITIES.get(code[0])
    kind = authority[2].get(code[1]) if authority else None
    return {
        "registration_authority": code[0],
        "registration_authority_zh": authority[0] if authority else None,
        "registration_authority_en": authority[1] if authority else None,
        "entity_type": code[1],
        "entity_type_zh": kind[0] if kind else None,
        "entity_type_en": kind[1] if kind else None,
        "region_code": code[2:8],
        "province_zh": PROVINCES.get(code[2:4]) if code[2:8].isdigit() else None,
        "organisation_code": f"{code[8:16]}-{code[16]}",
        "check_character": code[17],
    }
