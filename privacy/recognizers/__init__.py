"""PII recognizers in Presidio's style, one class per module.

- `china/`: mainland-China and HK/Macau/Taiwan identifiers by rule and check digit;
- `generic/`: e-mail, passports, English addresses, international phones and cards;
- `ner/`: model-backed names and places (LAC for Chinese, spaCy for English).

Which of them run is configuration (`privacy/recognizers.yaml`, see `registry.py`).
"""

from privacy.recognizers.china.address_pattern import ChineseAddressPatternRecognizer
from privacy.recognizers.china.bank_account import BankAccountRecognizer
from privacy.recognizers.china.bank_card import BankCardRecognizer
from privacy.recognizers.china.id_card import CnIdCardRecognizer
from privacy.recognizers.china.licence_plate import LicencePlateRecognizer
from privacy.recognizers.china.name_pattern import ChineseNamePatternRecognizer
from privacy.recognizers.china.passport import CnPassportRecognizer
from privacy.recognizers.china.permit import TravelPermitRecognizer
from privacy.recognizers.china.phone import CnPhoneRecognizer
from privacy.recognizers.china.qq import QqNumberRecognizer
from privacy.recognizers.china.wechat import WeChatIdRecognizer
from privacy.recognizers.generic.card import ShortCardRecognizer
from privacy.recognizers.generic.email import CnEmailRecognizer
from privacy.recognizers.generic.en_address import EnglishAddressRecognizer
from privacy.recognizers.generic.en_name_pattern import EnglishNamePatternRecognizer
from privacy.recognizers.generic.passport import PassportRecognizer
from privacy.recognizers.generic.phone import InternationalPhoneRecognizer
from privacy.recognizers.ner.lac_address import LacAddressRecognizer
from privacy.recognizers.ner.lac_name import LacNameRecognizer
from privacy.recognizers.ner.latin_name import LatinNameRecognizer

__all__ = [
    "BankAccountRecognizer",
    "BankCardRecognizer",
    "ChineseAddressPatternRecognizer",
    "ChineseNamePatternRecognizer",
    "CnIdCardRecognizer",
    "CnPassportRecognizer",
    "CnPhoneRecognizer",
    "CnEmailRecognizer",
    "EnglishAddressRecognizer",
    "EnglishNamePatternRecognizer",
    "InternationalPhoneRecognizer",
    "LacAddressRecognizer",
    "LacNameRecognizer",
    "LatinNameRecognizer",
    "LicencePlateRecognizer",
    "PassportRecognizer",
    "QqNumberRecognizer",
    "ShortCardRecognizer",
    "TravelPermitRecognizer",
    "WeChatIdRecognizer",
]
