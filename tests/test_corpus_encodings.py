"""Text in any encoding and script is decoded as written, kept, and labelled with its language."""

from __future__ import annotations

import pytest

import convolab as cl
from convolab.corpus.cleaning import normalise
from convolab.corpus.readers import decode_bytes

# Two sentences per language about the same thing: slow service, a polite apology.
TEXTS = {
    "ru": "Обслуживание клиентов в банке было медленным. Сотрудники вежливо извинились и "
          "помогли нам открыть счёт без лишних вопросов.",
    "el": "Η εξυπηρέτηση πελατών στην τράπεζα ήταν αργή. Οι υπάλληλοι ζήτησαν συγγνώμη και "
          "μας βοήθησαν να ανοίξουμε λογαριασμό.",
    "ar": "كانت خدمة العملاء في البنك بطيئة. لكن الموظفين اعتذروا بأدب وساعدونا في فتح حساب "
          "جديد بسرعة.",
    "ko": "은행의 고객 서비스는 느렸습니다. 그러나 직원들은 정중하게 사과하고 계좌 개설을 "
          "도와주었습니다.",
    "zh": "银行的客户服务很慢。但是工作人员礼貌地道歉，并且帮助我们很快开了一个新的账户。",
    "zh-tw": "銀行的客戶服務很慢。但是工作人員禮貌地道歉，並且幫助我們很快開了一個新的帳戶。",
    "ja": "銀行の顧客サービスは遅かった。しかし職員は丁寧に謝罪し、新しい口座の開設をすぐに"
          "手伝ってくれた。",
    "th": "บริการลูกค้าที่ธนาคารช้ามาก แต่พนักงานขอโทษอย่างสุภาพและช่วยเราเปิดบัญชีใหม่ได้อย่าง"
          "รวดเร็ว",
    "en": "The café’s “service” was naïve — customers waited, and the manager’s apology felt "
          "hollow. The façade of courtesy cracked by noon.",
    "de": "Der Kundendienst der Bank war langsam. Die Mitarbeiter entschuldigten sich höflich "
          "für die Verzögerung und halfen uns sofort.",
}
ENCODED = [("ru", "cp1251"), ("ru", "koi8_r"), ("el", "cp1253"), ("ar", "cp1256"),
           ("ko", "euc_kr"), ("zh", "gbk"), ("zh-tw", "big5"), ("ja", "euc_jp"),
           ("ja", "shift_jis"), ("en", "cp1252"), ("de", "cp1252"), ("de", "latin_1")]


@pytest.mark.parametrize("language, encoding", ENCODED)
def test_legacy_encodings_decode_to_the_text_written(language, encoding):
    text, _ = decode_bytes(TEXTS[language].encode(encoding))
    assert text == TEXTS[language]


@pytest.mark.parametrize("language", ["ru", "zh", "ja", "th", "ar", "en"])
def test_utf16_and_utf8_with_bom(language):
    assert decode_bytes(TEXTS[language].encode("utf-16"))[0] == TEXTS[language]
    assert decode_bytes(TEXTS[language].encode("utf-8-sig"))[0] == TEXTS[language]


def test_every_script_is_kept_and_labelled_with_its_language(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for (language, encoding) in ENCODED:
        (folder / f"{language}-{encoding}.txt").write_bytes(TEXTS[language].encode(encoding))
    for language in ("ja", "zh", "th"):  # UTF-8 text without spaces between words
        (folder / f"{language}-utf8.txt").write_text(TEXTS[language] * 2, encoding="utf-8")
    corpus = cl.load_corpus(folder, min_words=10, near_duplicate_threshold=1.0)
    # The same text in two encodings decodes identically, so one of the pair is a duplicate.
    assert set(corpus.excluded["reason"].str.split(" of ").str[0]) <= {"duplicate"}
    docs = corpus.documents.set_index("doc_id")
    assert len(docs) + len(corpus.excluded) == len(ENCODED) + 3
    for doc_id, row in docs.iterrows():
        language = doc_id.split("-utf8")[0].rsplit("-", 1)[0] if "-utf8" not in doc_id \
            else doc_id.split("-utf8")[0]
        expected = normalise(TEXTS[language])  # ftfy straightens curly quotes
        assert row["text"].replace("\n\n", " ").startswith(expected[:12]), doc_id
        assert row["language"] == language.split("-")[0], doc_id
    japanese = corpus.sentences[corpus.sentences["doc_id"] == "ja-utf8"]
    assert japanese["text"].iloc[0] == "銀行の顧客サービスは遅かった。"
    assert docs.loc["ja-utf8", "n_words"] > 10
