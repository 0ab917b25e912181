"""A CRM connector's and a dashboard's calls through the Python client generated from
openapi/openapi.json (openapi-python-client): every answer parsed into its typed model,
no casts. Usage: STAKEMAP_URL=... STAKEMAP_TOKEN=... python3 flow.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "generated"))

from stakemap_client import AuthenticatedClient  # noqa: E402
from stakemap_client.api.dashboard import (  # noqa: E402
    dashboard_advocacy,
    dashboard_engagement,
    dashboard_feedback,
    dashboard_matrix,
    dashboard_risks,
    dashboard_summary,
)
from stakemap_client.api.feedback import forms_create  # noqa: E402
from stakemap_client.api.stakeholders import stakeholders_get, stakeholders_list, stakeholders_update  # noqa: E402
from stakemap_client.api.sync import changes, stakeholders_batch, stakeholders_by_external_id_upsert  # noqa: E402
from stakemap_client import models  # noqa: E402


def check(condition, what):
    if not condition:
        print(f"not ok - {what}")
        sys.exit(1)
    print(f"ok - {what}")


client = AuthenticatedClient(base_url=os.environ["STAKEMAP_URL"], token=os.environ["STAKEMAP_TOKEN"])

# Upsert one contact by its CRM key.
res = stakeholders_by_external_id_upsert.sync_detailed(
    "crm", "P-1", client=client,
    body=models.StakeholderSyncInput.from_dict({"name": "Äänislinna Öhman", "group": "external", "email": "a@example.com"}),
)
check(res.status_code == 201 and isinstance(res.parsed, models.StakeholderView), "upsert creates, typed")
person = res.parsed

# A batch of 30.
items = [{"source": "crm", "external_id": f"B-{n}", "name": f"Batch {n:02}", "group": "external"} for n in range(30)]
result = stakeholders_batch.sync(client=client, body=models.BatchInput.from_dict({"items": items}))
check(isinstance(result, models.BatchResult) and len(result.results) == 30, "batch of 30, typed results")

# The change feed to its end (a reader keeps the last cursor to poll from).
seen, cursor = 0, None
while True:
    page = changes.sync(client=client, **({"after": cursor} if cursor else {}))
    if seen == 0:
        check(isinstance(page, models.ChangePage), "a change feed page")
    seen += len(page.items)
    if not page.items:
        break
    cursor = page.next_cursor
check(seen >= 31, f"change feed read to the end ({seen} changes)")

# A stale If-Match is 412, with a typed problem.
stale = stakeholders_update.sync_detailed(
    person.id, client=client, body=models.StakeholderInput.from_dict({"title": "Buyer"}), if_match='"99"'
)
check(stale.status_code == 412 and isinstance(stale.parsed, models.Problem), "stale If-Match is 412 problem")
fresh = stakeholders_get.sync(person.id, client=client)
check(isinstance(fresh, models.StakeholderView), "get by id, typed")

# A filtered list, page by page.
names, cursor = [], None
while True:
    kwargs = {"group": "external", "limit": 7}
    if cursor:
        kwargs["cursor"] = cursor
    page = stakeholders_list.sync(client=client, **kwargs)
    names += [s.name for s in page.items]
    if not page.next_cursor:
        break
    cursor = page.next_cursor
check(len(names) == 31 and len(set(names)) == 31, "filtered list paginated: 31 people once each")

# Every dashboard into its typed model.
form = forms_create.sync(client=client, body=models.FormInput.from_dict({
    "title": "Pulse", "questions": [{"key": "nps", "type": "nps", "label": "Recommend?", "required": True}]}))
check(isinstance(form, models.FormView), "form created")
for name, call, model, kwargs in [
    ("summary", dashboard_summary, models.Summary, {}),
    ("matrix", dashboard_matrix, models.Matrix, {}),
    ("engagement", dashboard_engagement, models.Engagement, {}),
    ("advocacy", dashboard_advocacy, models.Advocacy, {}),
    ("risks", dashboard_risks, models.Risks, {}),
    ("feedback", dashboard_feedback, models.FeedbackMonths, {"form_id": form.id}),
]:
    answer = call.sync(client=client, **kwargs)
    check(isinstance(answer, model), f"dashboard {name} is a {model.__name__}")
summary = dashboard_summary.sync(client=client)
check(summary.stakeholders.total == 31 and summary.stakeholders.by_group.additional_properties["external"] == 31,
      "summary counts typed")
print("python client flow passed")
