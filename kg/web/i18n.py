"""The words of the site in Vietnamese (the default) and English, and the competency questions in plain words.

Each question lists the stored queries that answer it (their ``cqN`` tag); a question no stored query
answers yet is shown as such.
"""

from __future__ import annotations

LANGS = ("vi", "en")

WORDS = {
    "vi": {
        "site": "Đồ thị tri thức hợp tác y tế Việt Nam",
        "home": "Trang chủ", "questions": "Câu hỏi", "editor": "SPARQL", "network": "Mạng lưới",
        "downloads": "Tải dữ liệu", "search": "Tìm", "search_placeholder": "Tìm bệnh viện, người, kỹ thuật… (có dấu hoặc không dấu)",
        "other_lang": "English", "intro": "Ai hỗ trợ ai trong hệ thống y tế Việt Nam: bệnh viện, thỏa thuận, kỹ thuật được chuyển giao, "
        "sự kiện và số liệu, mỗi thông tin kèm nguồn của nó. Chọn một câu hỏi để xem câu trả lời, không cần viết SPARQL.",
        "no_query_yet": "chưa có truy vấn nào trả lời câu hỏi này",
        "run": "Xem kết quả", "results": "Kết quả", "rows": "dòng", "no_rows": "Không có kết quả.",
        "capped": "Chỉ hiện {n} dòng đầu: kết quả bị giới hạn.",
        "download_as": "Tải về", "show_sparql": "Xem câu truy vấn SPARQL", "edit_sparql": "Sửa trong trình soạn SPARQL",
        "required": "bắt buộc", "optional": "không bắt buộc", "default": "mặc định",
        "other_queries": "Các truy vấn khác", "checks": "Kiểm tra dữ liệu",
        "labels": "Tên gọi", "kind": "Loại", "level": "Tuyến", "location": "Địa điểm", "statements": "Thông tin",
        "incoming": "Được nhắc đến trong", "source": "Nguồn", "sources_differ": "các nguồn khác nhau",
        "neighbourhood": "Quan hệ hỗ trợ", "supports": "hỗ trợ", "supported_by": "được hỗ trợ bởi",
        "partner_of": "hợp tác với", "who_supports": "Đơn vị này hỗ trợ ai và được ai hỗ trợ?",
        "formats": "Dữ liệu của thực thể này", "not_found": "Không tìm thấy",
        "not_found_text": "Đồ thị không có thông tin nào về địa chỉ này.", "search_results": "Kết quả tìm kiếm",
        "no_match": "Không tìm thấy tên nào khớp.", "editor_intro": "Viết truy vấn SPARQL trên đồ thị. Các tiền tố của dự án đã được khai báo sẵn.",
        "examples": "Ví dụ", "endpoint": "Điểm truy vấn SPARQL", "dataset": "Mô tả bộ dữ liệu (VoID, DCAT)",
        "dumps": "Bản xuất toàn bộ đồ thị", "network_files": "Mạng lưới hỗ trợ", "api": "API (OpenAPI)",
        "triples": "bộ ba", "graphs": "Đồ thị theo nguồn", "graph": "Đồ thị", "file": "Tệp", "size": "Kích thước",
        "licence": "Giấy phép", "error": "Lỗi", "bad_request": "Yêu cầu không hợp lệ", "choose": "— chọn —",
        "network_intro": "Mạng lưới hỗ trợ giữa các cơ sở y tế. Kéo thanh ngày để xem mạng lưới vào một thời điểm.",
        "open_network": "Mở trang mạng lưới", "open_map": "Mở bản đồ mạng lưới", "date": "Ngày", "list_hint": "nhiều giá trị: cách nhau bởi dấu phẩy",
        "stated_in": "nêu trong", "about": "Về dự án",
        "media_type": "Kiểu dữ liệu", "error_hint": "Gõ vài chữ vào ô để chọn từ gợi ý, hoặc tìm tên bằng ô tìm kiếm ở đầu trang.",
    },
    "en": {
        "site": "Vietnam Health Cooperation Knowledge Graph",
        "home": "Home", "questions": "Questions", "editor": "SPARQL", "network": "Network",
        "downloads": "Downloads", "search": "Search", "search_placeholder": "Find a hospital, person, technique… (with or without diacritics)",
        "other_lang": "Tiếng Việt", "intro": "Who supports whom in Vietnam's health system: hospitals, agreements, techniques "
        "transferred, events and figures, each with the source that states it. Pick a question to see its answer; "
        "no SPARQL needed.",
        "no_query_yet": "no stored query answers this question yet",
        "run": "Show the answer", "results": "Results", "rows": "rows", "no_rows": "No results.",
        "capped": "Only the first {n} rows are shown: the result was capped.",
        "download_as": "Download", "show_sparql": "Show the SPARQL query", "edit_sparql": "Edit in the SPARQL editor",
        "required": "required", "optional": "optional", "default": "default",
        "other_queries": "Other queries", "checks": "Data checks",
        "labels": "Names", "kind": "Kind", "level": "Level", "location": "Location", "statements": "Statements",
        "incoming": "Referred to by", "source": "Source", "sources_differ": "sources differ",
        "neighbourhood": "Support links", "supports": "supports", "supported_by": "supported by",
        "partner_of": "partner of", "who_supports": "Whom does it support, and who supports it?",
        "formats": "This entity's data", "not_found": "Not found",
        "not_found_text": "The graph says nothing about this address.", "search_results": "Search results",
        "no_match": "No name matches.", "editor_intro": "Write a SPARQL query over the graph. The project's prefixes are declared for you.",
        "examples": "Examples", "endpoint": "SPARQL endpoint", "dataset": "Dataset description (VoID, DCAT)",
        "dumps": "Dumps of the whole graph", "network_files": "Support network", "api": "API (OpenAPI)",
        "triples": "triples", "graphs": "Graphs by source", "graph": "Graph", "file": "File", "size": "Size",
        "licence": "Licence", "error": "Error", "bad_request": "Bad request", "choose": "— choose —",
        "network_intro": "The support network between health institutions. Move the date slider to see the network on a date.",
        "open_network": "Open the network page", "open_map": "Open the map", "date": "Date", "list_hint": "several values: separate them with commas",
        "stated_in": "stated in", "about": "About",
        "media_type": "Media type", "error_hint": "Type a few letters into the field and pick a suggestion, or look the name up with the search box at the top.",
    },
}

#: The competency questions (shared/COMPETENCY.md), in plain words, with the number of their ``cqN`` tag.
QUESTIONS = [
    (1, "Cơ sở X hỗ trợ những ai và được ai hỗ trợ, theo thỏa thuận nào, từ khi nào, về chuyên khoa và kỹ thuật gì?",
     "Whom does institution X support, and who supports it: under which agreements, since when, in which specialties and techniques?"),
    (2, "Những thỏa thuận nào còn hiệu lực vào ngày D, với các bên, thời hạn và lĩnh vực hợp tác? Thỏa thuận nào sắp hết hạn?",
     "Which agreements are in force on date D, with their parties, period and areas of cooperation? Which end soon?"),
    (3, "Tỉnh P có những cơ sở y tế nào, thuộc loại và tuyến nào, và ai hỗ trợ họ?",
     "Which institutions are in province P, of which kind and level, and who supports them?"),
    (4, "Những kỹ thuật nào đã được chuyển giao cho các cơ sở của tỉnh P, do ai và khi nào?",
     "Which techniques have been transferred to institutions of province P, by whom, and when?"),
    (5, "Ai giữ chức vụ gì ở cơ sở nào, theo thông tin của ngày nào?",
     "Who holds which post at which institution, as reported on which date?"),
    (6, "Những bệnh viện trung ương nào hợp tác với ngành y tế tỉnh P?",
     "Which central hospitals cooperate with the health sector of province P?"),
    (7, "Cơ sở nào là trung tâm và cầu nối của mạng lưới hỗ trợ?",
     "Which institutions are the hubs and brokers of the support network?"),
    (8, "Những số liệu nào được nêu cho tỉnh P hoặc cơ sở X: giá trị, đơn vị, ngày, có ước lượng không, và nguồn?",
     "Which figures are reported for province P or institution X: value, unit, date, whether approximate, and source?"),
    (9, "Nguồn nào nêu một thông tin, và mỗi nguồn nói gì?",
     "Which sources state a given fact, and what does each source state?"),
    (10, "Hỗ trợ đến tỉnh P bao phủ những chuyên khoa nào, và còn thiếu chuyên khoa nào?",
     "Which specialties does the support flowing into province P cover, and which are missing?"),
    (11, "Tìm cơ sở, người hoặc kỹ thuật theo tên, có dấu hoặc không dấu.",
     "Find an institution, person or technique by name, with or without diacritics."),
    (12, "Những sự kiện nào đã diễn ra, khi nào, ở đâu, và ai tham dự?",
     "Which events took place, when, where, and who attended?"),
    (13, "Những tổ chức nước ngoài nào hợp tác với bệnh viện Việt Nam, về gì và từ khi nào?",
     "Which foreign institutions cooperate with Vietnamese hospitals, on what, and since when?"),
    (14, "Điều gì mới được lên kế hoạch hay công bố mà chưa ký kết?",
     "What is planned or announced but not yet signed?"),
    (15, "Mạng lưới trông thế nào vào ngày D: những quan hệ hỗ trợ nào đã có?",
     "How did the network look on date D: which support links existed then?"),
    (16, "Những cơ sở nào nhận bệnh nhân chuyển tuyến từ cơ sở X hoặc tỉnh P, bao nhiêu, trong thời gian nào?",
     "Which institutions receive patients referred from institution X or province P, how many, and over which period?"),
    (17, "Với tỉnh P: ai hỗ trợ các cơ sở của tỉnh, và bệnh nhân của tỉnh được chuyển đi đâu?",
     "For province P: who supports its institutions, and where are its patients referred?"),
    (18, "Những tỉnh nào (trước hoặc sau ngày 1/7/2025) không được hỗ trợ về chuyên khoa S?",
     "Which provinces (before or after 1 July 2025) receive no support in specialty S?"),
]


def words(lang: str) -> dict:
    return WORDS[lang if lang in WORDS else "vi"]


def question_text(number: int, lang: str) -> str:
    for n, vi, en in QUESTIONS:
        if n == number:
            return vi if lang == "vi" else en
    return ""
