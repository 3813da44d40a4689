"""The OpenAPI 3.1 description of the open-data API (/api/v1/openapi.json)."""
from app.directory.search import MAX_QUERY_CHARS
from app.opendata.hsds import DEFAULT_PER_PAGE, HSDS_VERSION, MAX_PAGE, MAX_PER_PAGE, TAXONOMY

STRING = {"type": "string"}
NULLABLE = {"type": ["string", "null"]}
INTEGER = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
# Opening hours in WITA (UTC+8); 24:00 closes at the end of the day.
CLOCK = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
         "description": "HH:MM, WITA (UTC+08:00)"}


def ref(name: str) -> dict:
    """Point at a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional=()) -> dict:
    """Return a closed object schema: every property required except `optional`."""
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [k for k in properties if k not in optional]}


def array_of(schema: dict) -> dict:
    """Return the schema of a list of `schema`."""
    return {"type": "array", "items": schema}


def page(item: str) -> dict:
    """Return the schema of an HSDS paginated response of `item`s."""
    return obj({"total_items": INTEGER, "total_pages": INTEGER,
                "page_number": {"type": "integer", "minimum": 1}, "size": INTEGER,
                "first_page": BOOLEAN, "last_page": BOOLEAN, "empty": BOOLEAN,
                "contents": array_of(ref(item))})


def child(parent_key: str, **fields) -> dict:
    """Return a closed schema of a nested HSDS object: id, its parent's id, `fields`."""
    return obj({"id": STRING, parent_key: STRING, **fields})


TERM = obj({"id": STRING, "code": STRING, "name": STRING, "description": STRING,
            "taxonomy": {"const": TAXONOMY}, "language": {"const": "id"}})
SCHEMAS = {
    "Error": obj({"error": {"type": "string", "minLength": 1}}),
    "ApiInfo": obj({"version": STRING, "openapi_url": {"type": "string", "format": "uri"},
                    "description": STRING,
                    "publisher": obj({"name": STRING, "email": NULLABLE,
                                      "website": {"type": "string", "format": "uri"}})}),
    "Service": obj({
        "id": STRING, "name": STRING, "description": STRING,
        "url": {"type": "string", "format": "uri"}, "status": {"const": "active"},
        "organization": obj({"id": STRING, "name": STRING}),
        "phones": array_of(child("service_id", number={"type": "string",
                                                        "pattern": r"^\+[1-9][0-9]{6,14}$"},
                                 type={"enum": ["voice", "cell"]}, description=STRING)),
        "service_areas": array_of(child(
            "service_id", name=STRING, description=STRING, extent=NULLABLE,
            extent_type={"enum": ["text", None]}, x_kecamatan_code=NULLABLE)),
        "service_at_locations": array_of(child("service_id", location=obj({
            "id": STRING, "location_type": {"const": "physical"}, "name": STRING,
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180}}))),
        "attributes": array_of(child(
            "link_id", link_entity={"const": "service"}, link_type={"const": "category"},
            taxonomy_term_id=STRING, label=STRING, taxonomy_term=ref("TaxonomyTerm"))),
        "schedules": array_of(obj({
            "id": STRING, "service_id": STRING, "description": STRING,
            "freq": {"const": "WEEKLY"},
            "byday": {"type": "string", "pattern": r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"},
            "opens_at": CLOCK, "closes_at": CLOCK}, optional=("freq", "byday", "opens_at",
                                                             "closes_at"))),
        "cost_options": array_of(child("service_id", amount_description=STRING)),
        "contacts": array_of(child("service_id", name=STRING)),
        "last_modified": {"type": "string", "format": "date-time"},
        "x_last_confirmed": {"type": "string", "format": "date"},
    }),
    "TaxonomyTerm": TERM,
    "Region": obj({"code": STRING, "name": STRING, "kabupaten": STRING, "province": STRING,
                   "label": STRING}),
    "Organization": obj({
        "id": STRING, "name": STRING, "description": STRING, "email": NULLABLE,
        "website": {"type": "string", "format": "uri"},
        "phones": array_of(child("organization_id", number=STRING,
                                 type={"const": "voice"})),
        "addresses": array_of(child("organization_id", address_1=STRING,
                                    country={"const": "ID"},
                                    address_type={"const": "physical"}))}),
    "ServicePage": page("Service"),
    "TaxonomyTermPage": page("TaxonomyTerm"),
    "RegionPage": page("Region"),
    "OrganizationPage": page("Organization"),
}


def query(name: str, description: str, schema=STRING) -> dict:
    """Describe an optional query parameter."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


PAGING = [
    query("page", "Nomor halaman, mulai dari 1.",
          {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    query("per_page", f"Jumlah jasa per halaman, paling banyak {MAX_PER_PAGE}.",
          {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
           "default": DEFAULT_PER_PAGE}),
]
FILTERS = [
    query("q", "Kata pencarian, sama dengan pencarian di situs (jahit menemukan penjahit).",
          {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    query("search", "Nama lain untuk q (nama parameter HSDS).",
          {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    query("category", "Kode kategori (code dari /taxonomy_terms)."),
    query("kabupaten", "Nama kabupaten (dari /regions)."),
    query("kecamatan", "Kode kecamatan (code dari /regions)."),
    query("unit", "Kode unit Bapas (slug di alamat /u/<unit>/)."),
]
CORS = {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}}


def ok(schema: dict, description: str, media="application/json") -> dict:
    """Describe an answer with CORS and a body of `schema`."""
    return {"description": description, "headers": CORS,
            "content": {media: {"schema": schema}}}


def error(description: str) -> dict:
    """Describe an error answer: {"error": "..."}."""
    return ok(ref("Error"), description)


def get(summary: str, responses: dict, parameters=()) -> dict:
    """Describe a GET operation (a 304 is always possible)."""
    return {"get": {"summary": summary, "parameters": list(parameters),
                    "responses": {**responses, "304": {"description": "Tidak berubah."}}}}


PATHS = {
    "/": get("Keterangan API ini dan hubungannya dengan HSDS.",
             {"200": ok(ref("ApiInfo"), "Keterangan API.")}),
    "/services": get("Daftar jasa yang dibuka sebagai data terbuka, per halaman.",
                     {"200": ok(ref("ServicePage"), "Satu halaman jasa."),
                      "400": error("Parameter tidak sah.")}, FILTERS + PAGING),
    "/services.csv": get("Jasa yang sama dalam CSV (semua halaman, filter yang sama).",
                         {"200": ok(STRING, "CSV UTF-8 dengan BOM.", "text/csv"),
                          "400": error("Parameter tidak sah.")}, FILTERS),
    "/services/{id}": {
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "description": "id jasa.", "schema": {"type": "integer"}}],
        **get("Satu jasa.", {"200": ok(ref("Service"), "Jasa."),
                             "404": error("Jasa tidak ada atau bukan data terbuka.")})},
    "/taxonomy_terms": get("Kategori jasa.",
                           {"200": ok(ref("TaxonomyTermPage"), "Kategori."),
                            "400": error("Parameter tidak sah.")}, PAGING),
    "/regions": get("Kabupaten dan kecamatan, dengan kodenya.",
                    {"200": ok(ref("RegionPage"), "Wilayah."),
                     "400": error("Parameter tidak sah.")}, PAGING),
    "/organizations": get("Unit Bapas yang menerbitkan jasa.",
                          {"200": ok(ref("OrganizationPage"), "Unit."),
                           "400": error("Parameter tidak sah.")}, PAGING),
    "/openapi.json": get("Dokumen OpenAPI ini.", {"200": ok({"type": "object"}, "OpenAPI.")}),
}


def openapi_document(server_url: str, title: str) -> dict:
    """Return the OpenAPI 3.1 document, with the API served at `server_url`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title}: data terbuka", "version": "1.0.0",
                 "summary": f"Jasa klien pemasyarakatan, dibentuk menurut Open Referral "
                            f"HSDS {HSDS_VERSION}.",
                 "description": "Hanya data yang disetujui klien untuk dibuka ke situs lain "
                                "dan mesin pencari. Baca saja: GET, tanpa kuki, CORS terbuka."},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "headers": {"AllowOrigin": {"description": "CORS: semua asal boleh membaca.",
                                        "required": True,
                                        "schema": {"const": "*"}}},
        },
    }
