"""Hangul romanization (RR, McCune–Reischauer, DPRK) and Korean syllable keys."""

import pytest

from tollwatch.core.names import korean as ko

# word: (RR, MR, DPRK) — place names as each system writes them.
PLACES = {
    "평양": ("Pyeongyang", "P'yŏngyang", "Pyongyang"),
    "개천": ("Gaecheon", "Kaech'ŏn", "Kaechon"),
    "청진": ("Cheongjin", "Ch'ŏngjin", "Chongjin"),
    "함흥": ("Hamheung", "Hamhŭng", "Hamhung"),
    "신의주": ("Sinuiju", "Sinŭiju", "Sinuiju"),
    "라선": ("Raseon", "Rasŏn", "Rason"),
    "혜산": ("Hyesan", "Hyesan", "Hyesan"),
    "회령": ("Hoeryeong", "Hoeryŏng", "Hoeryong"),
    "요덕": ("Yodeok", "Yodŏk", "Yodok"),
    "남포": ("Nampo", "Namp'o", "Nampho"),
    "원산": ("Wonsan", "Wŏnsan", "Wonsan"),
    "개성": ("Gaeseong", "Kaesŏng", "Kaesong"),
    "해주": ("Haeju", "Haeju", "Haeju"),
    "김책": ("Gimchaek", "Kimch'aek", "Kimchaek"),
    "단천": ("Dancheon", "Tanch'ŏn", "Tanchon"),
    "강계": ("Ganggye", "Kanggye", "Kanggye"),
    "평성": ("Pyeongseong", "P'yŏngsŏng", "Phyongsong"),
    "북창": ("Bukchang", "Pukch'ang", "Pukchang"),
    "부산": ("Busan", "Pusan", "Pusan"),
    "대구": ("Daegu", "Taegu", "Taegu"),
    "인천": ("Incheon", "Inch'ŏn", "Inchon"),
    "서울": ("Seoul", "Sŏul", "Soul"),
    "백두산": ("Baekdusan", "Paektusan", "Paektusan"),
    "묘향산": ("Myohyangsan", "Myohyangsan", "Myohyangsan"),
    "대동강": ("Daedonggang", "Taedonggang", "Taedonggang"),
}
# Sound changes across syllables.
SOUND_CHANGES = {
    "독립": ("Dongnip", "Tongnip"),  # ㄱ+ㄹ → ㅇ+ㄴ
    "신라": ("Silla", "Silla"),  # ㄴ+ㄹ → ㄹ+ㄹ
    "종로": ("Jongno", "Chongno"),  # ㅇ+ㄹ → ㅇ+ㄴ
    "설날": ("Seollal", "Sŏllal"),  # ㄹ+ㄴ → ㄹ+ㄹ
    "압록강": ("Amnokgang", "Amnokkang"),  # ㅂ+ㄹ → ㅁ+ㄴ; k+k voiceless in MR
    "한글": ("Hangeul", "Han'gŭl"),  # MR apostrophe separates n+g from ng
    "북한": ("Bukhan", "Pukhan"),
    "청천강": ("Cheongcheongang", "Ch'ŏngch'ŏn'gang"),
    "설악": ("Seorak", "Sŏrak"),  # liaison: ㄹ before a vowel is r
    "독일": ("Dogil", "Togil"),  # voiced before a vowel
    "같이": ("Gachi", "Kach'i"),  # palatalization
    "좋고": ("Joko", "Chok'o"),  # ㅎ aspirates the next stop
    "심리": ("Simni", "Simni"),
    "백마": ("Baengma", "Paengma"),  # nasalization
    "십만": ("Simman", "Simman"),
    "울진": ("Uljin", "Ulchin"),  # MR: ㅈ after ㄹ is said tense
    "칠보산": ("Chilbosan", "Ch'ilbosan"),
    "평안북도": ("Pyeonganbukdo", "P'yŏnganbukto"),
    "함경북도": ("Hamgyeongbukdo", "Hamgyŏngbukto"),
    "양강도": ("Yanggangdo", "Yanggangdo"),
    "금강산": ("Geumgangsan", "Kŭmgangsan"),
    "선봉": ("Seonbong", "Sŏnbong"),
    "낙원": ("Nagwon", "Nagwŏn"),
    "로동신문": ("Rodongsinmun", "Rodongsinmun"),
    "민주주의": ("Minjujuui", "Minjujuŭi"),
}
# name: (RR, MR, DPRK)
PERSONS = {
    "김정은": ("Kim Jeong-eun", "Kim Chŏng-ŭn", "Kim Jong Un"),
    "김정일": ("Kim Jeong-il", "Kim Chŏng-il", "Kim Jong Il"),
    "김일성": ("Kim Il-seong", "Kim Il-sŏng", "Kim Il Sung"),
    "리영호": ("Ri Yeong-ho", "Ri Yŏng-ho", "Ri Yong Ho"),
    "최룡해": ("Choi Ryong-hae", "Ch'oe Ryong-hae", "Choe Ryong Hae"),
    "장성택": ("Jang Seong-taek", "Chang Sŏng-t'aek", "Jang Song Thaek"),
    "박봉주": ("Park Bong-ju", "Pak Pong-ju", "Pak Pong Ju"),
    "김영철": ("Kim Yeong-cheol", "Kim Yŏng-ch'ŏl", "Kim Yong Chol"),
    "김대중": ("Kim Dae-jung", "Kim Tae-jung", "Kim Tae Jung"),
    "박정희": ("Park Jeong-hui", "Pak Chŏng-hŭi", "Pak Jong Hui"),
    "이승만": ("Lee Seung-man", "Yi Sŭng-man", "Ri Sung Man"),
    "김여정": ("Kim Yeo-jeong", "Kim Yŏ-jŏng", "Kim Yo Jong"),
    "남궁민": ("Namgung Min", "Namgung Min", "Namgung Min"),
}


@pytest.mark.parametrize("word,expected", PLACES.items())
def test_place_names_in_three_systems(word, expected):
    rr, mr, dprk = expected
    assert ko.romanize_rr(word) == rr
    assert ko.romanize_mr(word) == mr
    assert ko.romanize_dprk(word) == dprk


@pytest.mark.parametrize("word,expected", SOUND_CHANGES.items())
def test_sound_changes_across_syllables(word, expected):
    rr, mr = expected
    assert ko.romanize_rr(word) == rr
    assert ko.romanize_mr(word) == mr


@pytest.mark.parametrize("name,expected", PERSONS.items())
def test_person_names_split_surname_and_given_name(name, expected):
    rr, mr, dprk = expected
    assert ko.romanize_person(name, "rr") == rr
    assert ko.romanize_person(name, "mr") == mr
    assert ko.romanize_person(name, "dprk") == dprk


def test_decompose_is_arithmetic_and_round_trips():
    assert ko.decompose("개") == ("ㄱ", "ㅐ", "")
    assert ko.decompose("천") == ("ㅊ", "ㅓ", "ㄴ")
    assert ko.decompose("닭") == ("ㄷ", "ㅏ", "ㄺ")
    for code in range(0xAC00, 0xAC00 + 11172, 97):
        ch = chr(code)
        assert ko.compose(*ko.decompose(ch)) == ch
    with pytest.raises(ValueError):
        ko.decompose("A")


def test_every_syllable_romanizes_in_every_system():
    for code in range(0xAC00, 0xAC00 + 11172):
        ch = chr(code)
        for system in ("rr", "mr", "dprk"):
            out = ko.romanize_word(ch, system)
            assert out, (ch, system)
            if system == "mr":
                assert set(out.lower()) <= set("abcdefghijklmnoprstuwyŏŭ'"), (ch, out)
            else:
                assert out.isascii() and out.isalpha(), (ch, system, out)
            assert any(c in "aeiouyw" for c in out.lower().replace("ŏ", "o").replace("ŭ", "u")), (ch, out)


def test_mixed_text_keeps_non_hangul_and_glues_numbers():
    assert ko.romanize_mr("개천 제14호 관리소") == "Kaech'ŏn Che14ho Kwalliso"
    assert ko.romanize_rr("개천 제1호교화소") == "Gaecheon Je1hogyohwaso"
    assert ko.romanize_dprk("Camp 14, 개천") == "Camp 14, Kaechon"
    assert ko.romanize_rr("") == ""
    with pytest.raises(ValueError):
        ko.romanize("개천", "wade-giles")


def test_surname_variants_cover_usual_spellings():
    assert {"Lee", "Yi", "Rhee", "Ri", "I"} <= set(ko.surname_variants("이"))
    assert {"Park", "Pak", "Bak"} <= set(ko.surname_variants("박"))
    assert {"Choi", "Choe", "Ch'oe"} <= set(ko.surname_variants("최"))
    assert {"Jong", "Chong", "Jung", "Jeong"} <= set(ko.surname_variants("정"))
    assert "Ri" in ko.surname_variants("리")


def test_person_guess():
    assert ko.looks_like_person("김정은")
    assert ko.looks_like_person("남궁민")
    assert not ko.looks_like_person("개천")
    assert not ko.looks_like_person("조선광선은행")


# --- syllable keys ---------------------------------------------------------------------------

MEET = [
    ("Kaechon", "Kaech'ŏn", "Gaecheon", "Kaech'on", "KAECHON", "Kaech’ŏn"),
    ("Pyongyang", "P'yŏngyang", "Pyeongyang", "Pyo'ngyang"),
    ("Jang", "JANG", "Chang"),
    ("Pom", "Bom", "P'ŏm", "Beom"),
    ("Pyo'ng-ch'o'l", "Byong Chol", "Pyŏng-ch'ŏl", "Byeongcheol", "Pyongchol"),
    ("Taesong", "Daesong", "T'aesŏng", "Daeseong"),
    ("Ryonbong", "Yonbong", "Ryŏnbong", "Yeonbong", "Lyonbong"),
    ("Ri", "Rhee", "Lee", "Yi", "I", "Li"),
    ("Kwangson", "Gwangseon", "Kwangsŏn"),
    ("Hamhung", "Hamheung", "Hamhŭng"),
    ("Choe", "Choi", "Ch'oe"),
    ("Pak", "Park", "Bak"),
    ("Jong Un", "Jong-un", "Chŏng-ŭn", "Jeong-eun", "Jongun"),
    ("Hoeryong", "Hoeryŏng", "Hoeryeong"),
    ("Rodong", "Nodong", "Rotong"),
]


@pytest.mark.parametrize("spellings", MEET)
def test_latin_spellings_meet(spellings):
    keys = {ko.syllable_keys(s.replace(" ", "-")) for s in spellings}
    assert len(keys) == 1 and None not in keys, dict(zip(spellings, (ko.syllable_keys(s) for s in spellings)))


@pytest.mark.parametrize("hangul,latin", [
    ("개천", "Kaechon"), ("평양", "Pyongyang"), ("함흥", "Hamhung"), ("회령", "Hoeryong"), ("요덕", "Yodok"),
    ("청진", "Chongjin"), ("신의주", "Sin-ui-ju"), ("신의주", "Sinuiju"), ("라선", "Rason"), ("혜산", "Hyesan"),
    ("련봉", "Ryonbong"), ("대성", "Taesong"), ("광선", "Kwangson"), ("독립", "Tongnip"), ("압록강", "Amnokgang"),
    ("한글", "Han'gŭl"), ("남포", "Nampho"), ("김정은", "Kim-Jong-Un"), ("박명수", "Pak-Myong-su"),
    ("최룡해", "Choi-Yong-hae"), ("리영호", "Lee-Young-ho"),
])
def test_hangul_meets_its_romanizations(hangul, latin):
    assert ko.hangul_unit(hangul) == ko.token_key(latin) is not None
    assert ko.token_key(latin) in ko.hangul_keys(hangul)
    for system in ("rr", "mr", "dprk"):
        assert ko.token_key(ko.romanize(hangul, system, person=None).replace(" ", "-")) in ko.hangul_keys(hangul)


def test_token_keys_of_whole_tokens():
    assert ko.token_key("Kaechon") == ko.token_key("Kaech'ŏn") == ko.token_key("Gaecheon") == "kecon"
    assert ko.token_key("Kenya") != ko.token_key("Kaechon")
    assert ko.token_key("Hangeul") == ko.token_key("Han'gŭl")  # separators do not matter
    assert ko.token_key("Ryong") == ko.token_key("Yong") == ko.token_key("Nyong")


def test_person_keys_across_scripts():
    assert ko.hangul_unit("김정은") == "kimcongun"
    assert {"kim", "cong", "un", "congun"} <= ko.hangul_keys("김정은")
    assert {"i", "yong", "ho"} <= ko.hangul_keys("리영호")
    assert {"cwe", "yong", "he"} <= ko.hangul_keys("최룡해")
    assert ko.hangul_unit("박명수") == ko.token_key("Pak-Myong-su")  # surname apart: no Pangmyŏngsu


@pytest.mark.parametrize("a,b", [
    ("Kaechon", "Kaesong"),  # 개천 / 개성
    ("Jong", "Jung"),  # ㅓ/ㅗ vs ㅜ/ㅡ stay apart
    ("Pak", "Paek"),  # 박 / 백
    ("Kim", "Kin"),
    ("Chol", "Chul"),
    ("Song", "Sang"),
    ("Hyesan", "Hesan"),
    ("Sinuiju", "Sinju"),
    ("Min", "Ming"),
    ("Nam", "Nan"),
    ("Kwangson", "Kangson"),
    ("Ryonbong", "Ryongbong"),
    ("Pyongyang", "Pyongsong"),
    ("Il", "Ul"),
    ("Hui", "Hu"),
])
def test_different_syllables_stay_apart(a, b):
    assert ko.syllable_keys(a) != ko.syllable_keys(b)


@pytest.mark.parametrize("word", ["Xinda", "Hair", "bank", "products", "camp", "trading", "14", "", "-", "Qingdao",
                                  "Zhejiang", "Frank", "strength"])
def test_non_korean_tokens_have_no_korean_key(word):
    assert ko.syllable_keys(word) is None
    assert ko.token_key(word) is None


def test_latin_fold():
    assert ko.latin_fold("Kaech'ŏn") == "kaechon"
    assert ko.latin_fold("Han'gŭl") == "han-gul"
    assert ko.latin_fold("PYŎNGYANG") == "pyongyang"


def test_the_three_systems_give_one_key_for_every_syllable():
    for code in range(0xAC00, 0xAC00 + 11172):
        w = chr(code)
        keys = {ko.token_key(ko.romanize_word(w, s)) for s in ("rr", "mr", "dprk")}
        assert len(keys) == 1 and None not in keys, (w, keys)


def test_the_three_systems_agree_on_random_words():
    import random

    rng = random.Random(7)
    differ = 0
    n = 4000
    for _ in range(n):
        w = "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.choice([2, 3])))
        keys = {ko.token_key(ko.romanize_word(w, s)) for s in ("rr", "mr", "dprk")}
        assert None not in keys, w  # our reader reads everything our writers write
        differ += len(keys) > 1
    # Only vowel runs without a consonant between (여읎, 궈얼) stay ambiguous in Latin.
    assert differ / n < 0.003
