// What a front-end would write with the generated client: list with filters and
// pagination, create, patch with If-Match (and see a stale one refused), create a form
// and submit it; a CRM connector's upsert, batch and change feed; every dashboard.
// Type-checked by tsc against the generated types, then run against a live service
// (STAKEMAP_URL, STAKEMAP_TOKEN: a manager's token).
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Stakeholder = components["schemas"]["StakeholderView"];

const baseUrl = process.env.STAKEMAP_URL;
const token = process.env.STAKEMAP_TOKEN;
if (!baseUrl || !token) throw new Error("set STAKEMAP_URL and STAKEMAP_TOKEN");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`failed: ${what}`);
  console.log(`ok - ${what}`);
}

// Create a few, then page through them two at a time with a filter.
const created: Stakeholder[] = [];
for (const name of ["Ada", "Ben", "Cy"]) {
  const { data, error, response } = await api.POST("/v1/stakeholders", {
    body: { name: `${name} (ts client)`, group: "external", tags: ["ts-client"] },
  });
  if (error || !data) throw new Error(`create ${name}: ${response.status} ${JSON.stringify(error)}`);
  created.push(data);
}
check(created.every((s) => s.version === 1), "created three stakeholders");

const names: string[] = [];
let cursor: string | undefined;
do {
  const { data, error } = await api.GET("/v1/stakeholders", {
    params: { query: { tag: "ts-client", group: "external", sort: "name", limit: 2, cursor } },
  });
  if (error || !data) throw new Error(`list: ${JSON.stringify(error)}`);
  names.push(...data.items.map((s) => s.name));
  cursor = data.next_cursor ?? undefined;
} while (cursor);
check(names.join(",") === "Ada (ts client),Ben (ts client),Cy (ts client)", `paged list: ${names}`);

// Patch with the ETag the GET gave; a second patch with the same (now stale) ETag is 412.
const ada = created[0];
const got = await api.GET("/v1/stakeholders/{id}", { params: { path: { id: ada.id } } });
const etag = got.response.headers.get("etag");
check(etag === '"1"', `ETag of a fresh stakeholder: ${etag}`);
const patched = await api.PATCH("/v1/stakeholders/{id}", {
  params: { path: { id: ada.id }, header: { "If-Match": etag! } },
  body: { title: "Head of buying" },
});
check(patched.data?.title === "Head of buying" && patched.data?.version === 2, "patch with If-Match");
const stale = await api.PATCH("/v1/stakeholders/{id}", {
  params: { path: { id: ada.id }, header: { "If-Match": etag! } },
  body: { title: "Someone else" },
});
check(stale.response.status === 412 && stale.error?.status === 412, "stale If-Match is 412 problem+json");

// A monthly form and one submission for Ada.
const form = await api.POST("/v1/forms", {
  body: {
    title: "TS pulse",
    questions: [
      { key: "nps", type: "nps", label: "Would you recommend us?", required: true },
      { key: "comment", type: "text", label: "Anything else?" },
    ],
  },
});
if (!form.data) throw new Error(`form: ${JSON.stringify(form.error)}`);
const sent = await api.POST("/v1/forms/{id}/submissions", {
  params: { path: { id: form.data.id } },
  body: { stakeholder_id: ada.id, answers: { nps: 9, comment: "Quick replies" } },
});
check(sent.response.status === 201 && sent.data?.stakeholder_id === ada.id, "form submitted");
const again = await api.POST("/v1/forms/{id}/submissions", {
  params: { path: { id: form.data.id } },
  body: { stakeholder_id: ada.id, answers: { nps: 3 } },
});
check(again.response.status === 409, `a second submission for the month is refused (${again.response.status})`);
check(again.error?.existing_id === sent.data?.id, "the 409 names the existing submission");

// The CRM connector: upsert by key, a batch, then the change feed to its end.
const upserted = await api.PUT("/v1/stakeholders/by-external-id/{source}/{external_id}", {
  params: { path: { source: "crm", external_id: "TS-1" } },
  body: { name: "Dana (ts client)", group: "external" },
});
check(upserted.response.status === 201 && upserted.data?.name === "Dana (ts client)", "upsert by CRM key");
const batch = await api.POST("/v1/stakeholders/batch", {
  body: { items: [1, 2, 3].map((n) => ({ source: "crm", external_id: `TS-B${n}`, name: `Batch ${n}`, group: "external" as const })) },
});
check(batch.data?.results.length === 3, "batch of three, typed results");
let after: string | undefined;
let changes = 0;
for (;;) {
  const page = await api.GET("/v1/changes", { params: { query: { after, limit: 2 } } });
  if (!page.data) throw new Error(`changes: ${JSON.stringify(page.error)}`);
  if (page.data.items.length === 0) break;
  changes += page.data.items.length;
  after = page.data.next_cursor ?? after;
}
check(changes >= 8, `change feed read to the end (${changes})`);

// Every dashboard into its typed model.
const summary = await api.GET("/v1/dashboard/summary");
check((summary.data?.stakeholders.total ?? 0) >= 7, "dashboard summary");
const matrix = await api.GET("/v1/dashboard/matrix");
check((matrix.data?.points.length ?? 0) >= 7 && typeof matrix.data?.counts === "object", "dashboard matrix");
const engagement = await api.GET("/v1/dashboard/engagement");
check(Array.isArray(engagement.data?.months), "dashboard engagement");
const advocacy = await api.GET("/v1/dashboard/advocacy");
check(Array.isArray(advocacy.data?.months), "dashboard advocacy");
const risks = await api.GET("/v1/dashboard/risks");
check(typeof risks.data?.influential_critics.total === "number", "dashboard risks");
const feedback = await api.GET("/v1/dashboard/feedback", { params: { query: { form_id: form.data.id } } });
check(Array.isArray(feedback.data?.items), "dashboard feedback");
