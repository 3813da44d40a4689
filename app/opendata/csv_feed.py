"""Open data as CSV: the same services as the JSON API, one row each (RFC 4180)."""
import csv
import io

from app.directory.browse import SearchFilters
from app.directory.publishing import to_public
from app.office.spreadsheets import neutralise
from app.opendata.hsds import open_listings, services

CSV_CHUNK = 500  # listings read and turned public at a time

CSV_HEADERS = ["id", "name", "description", "url", "status", "organization_id",
               "organization_name", "category_code", "category_name", "service_area",
               "kecamatan_code", "service_area_description", "phone_e164", "phone_type",
               "contact_name", "schedule", "cost", "last_modified", "last_confirmed"]


def csv_row(record: dict) -> list[str]:
    """Flatten one HSDS service into the CSV columns."""
    def first(key: str) -> dict:
        return record[key][0] if record[key] else {}
    term = record["attributes"][0]["taxonomy_term"]
    area, phone = first("service_areas"), first("phones")
    return [record["id"], record["name"], record["description"], record["url"],
            record["status"], record["organization"]["id"], record["organization"]["name"],
            term["code"], term["name"], area.get("name", ""), area.get("x_kecamatan_code") or "",
            area.get("description", ""), phone.get("number", ""), phone.get("type", ""),
            first("contacts").get("name", ""), first("schedules").get("description", ""),
            first("cost_options").get("amount_description", ""), record["last_modified"],
            record["x_last_confirmed"]]


def services_csv(filters: SearchFilters, host: str) -> bytes:
    """Write the matching services as RFC 4180 CSV in UTF-8 with BOM, formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    query, number = open_listings(filters), 1
    while True:
        rows = list(query.paginate(number, CSV_CHUNK))
        for record in services(to_public(rows), host):
            writer.writerow([neutralise(str(v)) for v in csv_row(record)])
        if len(rows) < CSV_CHUNK:
            break
        number += 1
    return out.getvalue().encode("utf-8-sig")
