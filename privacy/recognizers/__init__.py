"""PII recognizers for Chinese bank conversations, one class per module."""

from privacy.recognizers.bank_card_recognizer import BankCardRecognizer
from privacy.recognizers.cn_address_pattern_recognizer import ChineseAddressPatternRecognizer
from privacy.recognizers.cn_address_recognizer import ChineseAddressRecognizer
from privacy.recognizers.cn_email_recognizer import CnEmailRecognizer
from privacy.recognizers.cn_id_card_recognizer import CnIdCardRecognizer
from privacy.recognizers.cn_name_pattern_recognizer import ChineseNamePatternRecognizer
from privacy.recognizers.cn_name_recognizer import ChineseNameRecognizer
from privacy.recognizers.cn_passport_recognizer import CnPassportRecognizer
from privacy.recognizers.cn_phone_recognizer import CnPhoneRecognizer
from privacy.recognizers.en_address_recognizer import EnglishAddressRecognizer
from privacy.recognizers.latin_name_recognizer import LatinNameRecognizer

__all__ = [
    "BankCardRecognizer",
    "ChineseAddressPatternRecognizer",
    "ChineseAddressRecognizer",
    "ChineseNamePatternRecognizer",
    "ChineseNameRecognizer",
    "CnIdCardRecognizer",
    "CnPassportRecognizer",
    "CnPhoneRecognizer",
    "CnEmailRecognizer",
    "EnglishAddressRecognizer",
    "LatinNameRecognizer",
]
