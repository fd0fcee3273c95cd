"""By-hand comparison of the block API with Prefect's own server: the same requests against both, answers printed
with ids and times scrubbed, to be diffed. Usage: python compare_blocks_api.py <api url> <fresh type slug>"""
import json, re, sys, httpx
base = sys.argv[1]
NAME = sys.argv[2]
class C:
    def __getattr__(self, m):
        return lambda path, **kw: getattr(httpx, m)(base + path, **kw)
c = C()
def show(label, r):
    try: body = r.json()
    except Exception: body = r.text
    if isinstance(body, dict) and "request_body" in body: body.pop("request_body")
    text = json.dumps(body, sort_keys=True)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<ID>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "<T>", text)
    print(label, r.status_code, text)
bt = c.post("/block_types/", json={"name": NAME, "slug": NAME}); show("create type", bt)
tid = bt.json()["id"]
fields = {"title": NAME, "type": "object", "properties": {"user": {"type": "string"}, "password": {"type": "string", "format": "password", "writeOnly": True}}, "secret_fields": ["password"], "block_type_slug": NAME, "block_schema_references": {}}
s = c.post("/block_schemas/", json={"fields": fields, "block_type_id": tid, "capabilities": [NAME]}); show("create schema", s)
sid = s.json()["id"]
show("schema again", c.post("/block_schemas/", json={"fields": fields, "block_type_id": tid, "capabilities": [NAME]}))
show("schema missing type", c.post("/block_schemas/", json={"fields": {}, "block_type_id": "00000000-0000-4000-8000-000000000000"}))
show("by checksum", c.get(f"/block_schemas/checksum/{s.json()['checksum']}"))
show("unknown slug", c.get("/block_types/slug/nope"))
show("unknown slug docs", c.get("/block_types/slug/nope/block_documents"))
show("unknown doc name", c.get("/block_types/slug/login/block_documents/name/nope"))
show("dup type", c.post("/block_types/", json={"name": NAME, "slug": NAME}))
show("prefect name", c.post("/block_types/", json={"name": "Prefect X", "slug": "x"}))
show("bad slug", c.post("/block_types/", json={"name": "X", "slug": "Bad Slug"}))
show("extra field", c.post("/block_types/", json={"name": "Y", "slug": "y", "nope": 1}))
doc = lambda name, data, **kw: {"name": name, "data": data, "block_schema_id": kw.get("sid", sid), "block_type_id": kw.get("tid", tid)}
show("doc missing schema", c.post("/block_documents/", json=doc("a", {}, sid="00000000-0000-4000-8000-000000000000")))
show("doc missing type", c.post("/block_documents/", json=doc("b", {}, tid="00000000-0000-4000-8000-000000000000")))
show("doc bad name", c.post("/block_documents/", json=doc("Has Space", {})))
show("doc no name", c.post("/block_documents/", json={"data": {}, "block_schema_id": sid, "block_type_id": tid}))
d = c.post("/block_documents/", json=doc("mine", {"user": "u", "password": "p4ss"})); show("doc create", d)
did = d.json()["id"]
show("doc dup", c.post("/block_documents/", json=doc("mine", {})))
show("patch masked", c.patch(f"/block_documents/{did}", json={"data": {"user": "v", "password": "********"}}))
show("read secrets", c.get(f"/block_documents/{did}", params={"include_secrets": "true"}))
show("read bad bool", c.get(f"/block_documents/{did}", params={"include_secrets": "maybe"}))
inner = c.post("/block_documents/", json=doc("inner", {"password": "deep"})).json()["id"]
show("nested", c.post("/block_documents/", json=doc("outer", {"user": "o", "inner": {"$ref": {"block_document_id": inner}}})))
show("bad ref", c.post("/block_documents/", json=doc("outer2", {"inner": {"$ref": {}}})))
show("ref missing doc", c.post("/block_documents/", json=doc("outer3", {"inner": {"$ref": {"block_document_id": "00000000-0000-4000-8000-000000000000"}}})))
show("anon", c.post("/block_documents/", json={"data": {}, "block_schema_id": sid, "block_type_id": tid, "is_anonymous": True}))
show("filter", c.post("/block_documents/filter", json={"block_types": {"slug": {"any_": [NAME]}}}))
show("count", c.post("/block_documents/count", json={}))
show("count all", c.post("/block_documents/count", json={"block_documents": {"is_anonymous": None}}))
show("filter limit", c.post("/block_documents/filter", json={"limit": 201}))
show("types by caps", c.post("/block_types/filter", json={"block_schemas": {"block_capabilities": {"all_": [NAME]}}}))
sec = c.get("/block_types/slug/secret").json()
show("delete protected type", c.delete(f"/block_types/{sec['id']}"))
ssch = c.post("/block_schemas/filter", json={"block_schemas": {"block_type_id": {"any_": [sec["id"]]}}}).json()
show("delete protected schema", c.delete(f"/block_schemas/{ssch[0]['id']}"))
show("patch type", c.patch(f"/block_types/{tid}", json={"description": "new"}))
show("read type", c.get(f"/block_types/{tid}"))
show("delete doc", c.delete(f"/block_documents/{did}"))
show("delete doc again", c.delete(f"/block_documents/{did}"))
show("delete type", c.delete(f"/block_types/{tid}"))
show("caps", c.get("/block_capabilities/"))
