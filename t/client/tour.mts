// The README's tour ("A tour of the API") as a TypeScript program, on a
// client generated from the served OpenAPI document: openapi-typescript
// makes schema.d.ts from /api/v1/openapi.json, openapi-fetch calls the
// service with those types, and t/96-generated-client.t type-checks this
// file (tsc --strict) before running it. Nothing here is typed by hand:
// a type that does not fit the answers is a defect of src/openapi.json.
//
// Environment: RBD_API_URL, RBD_API_USER, RBD_API_PASSWORD (and
// NODE_EXTRA_CA_CERTS for the service's certificate), TOUR_POOL, TOUR_NAME
// (a prefix for the images it makes). Prints one line a step; exits 1 at
// the first answer that is not what the tour says.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Status = components["schemas"]["Status"];
type Image = components["schemas"]["Image"];

// POST .../images answers an Image (201) or, for an import from a URL, a
// Task (202): the Kind tells them apart.
function asImage(data: { Kind: string } | undefined): Image | undefined {
	return data?.Kind === "Image" ? (data as Image) : undefined;
}

function env(name: string): string {
	const value = process.env[name];
	if (value === undefined || value === "") {
		throw new Error(`${name} is not set`);
	}
	return value;
}

const pool = env("TOUR_POOL");
const vol = `${env("TOUR_NAME")}-vol`;
const clone = `${env("TOUR_NAME")}-clone`;
const snap = "golden";
const credentials = Buffer.from(`${env("RBD_API_USER")}:${env("RBD_API_PASSWORD")}`).toString("base64");
const client = createClient<paths>({
	baseUrl: env("RBD_API_URL"),
	headers: { Authorization: `Basic ${credentials}` },
});

function check(cond: boolean, what: string): void {
	if (!cond) {
		throw new Error(`not as the tour says: ${what}`);
	}
	console.log(`ok - ${what}`);
}

// An error answer, read through the generated Status type. `proof` only
// type-checks (as `true`) when the document types the operation's error
// answers as Status: an operation without an error schema (never) or with
// another one makes tsc fail here.
type IsStatus<E> = [E] extends [never] ? never : [E] extends [Status] ? true : never;
function failure<E>(error: E | undefined, proof: IsStatus<E>, code: number, reason: string, what: string): void {
	const status = error as Status | undefined;
	check(proof && status !== undefined && status.Kind === "Status" && status.status === "Failure" &&
		status.code === code && status.reason === reason && status.message.length > 0,
		`${what}: ${code} ${reason} (${status?.message ?? "no Status"})`);
}

async function tour(): Promise<void> {
	const health = await client.GET("/api/v1/health");
	check(health.response.status === 200 && health.data?.status === "ok", "GET /api/v1/health: ok");

	const created = await client.POST("/api/v1/pools/{pool}/images", {
		params: { path: { pool } },
		body: { name: vol, size: "16M" },
	});
	const image = asImage(created.data);
	check(created.response.status === 201 && image?.name === vol && image.size === 16 << 20,
		`POST .../images: 201 Image ${vol} of 16 MiB`);

	const got = await client.GET("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: vol } },
	});
	check(got.response.status === 200 && got.data?.Kind === "Image" && got.data.pool === pool &&
		got.data.size === 16 << 20, `GET .../images/${vol}: 200 Image`);

	const list = await client.GET("/api/v1/pools/{pool}/images", {
		params: { path: { pool }, query: { detail: true, limit: 100 } },
	});
	check(list.response.status === 200 && list.data?.Kind === "ImageList" &&
		list.data.Items.some((item) => item.name === vol),
		`GET .../images?detail=true&limit=100: 200 ImageList with ${vol}`);

	const grown = await client.PATCH("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: vol } },
		body: { size: "32M" },
	});
	check(grown.response.status === 200 && grown.data?.size === 32 << 20, `PATCH .../images/${vol} size 32M: 200`);
	const shrink = await client.PATCH("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: vol } },
		body: { size: "16M" },
	});
	failure(shrink.error, true, 400, "BadRequest", "PATCH to a smaller size without allow_shrink");

	const snapshot = await client.POST("/api/v1/pools/{pool}/images/{image}/snapshots", {
		params: { path: { pool, image: vol } },
		body: { name: snap },
	});
	check(snapshot.response.status === 201 && snapshot.data?.name === snap &&
		typeof snapshot.data.id === "number", `POST .../snapshots: 201 Snapshot ${snap}`);

	const protect = await client.PATCH("/api/v1/pools/{pool}/images/{image}/snapshots/{snapshot}", {
		params: { path: { pool, image: vol, snapshot: snap } },
		body: { protected: true },
	});
	check(protect.response.status === 200 && protect.data?.protected === true,
		`PATCH .../snapshots/${snap} protected: 200`);

	const cloned = await client.POST("/api/v1/pools/{pool}/images", {
		params: { path: { pool } },
		body: { name: clone, parent: { pool, image: vol, snapshot: snap } },
	});
	const clonedImage = asImage(cloned.data);
	check(cloned.response.status === 201 && clonedImage?.name === clone &&
		clonedImage.parent?.image === vol && clonedImage.parent.snapshot === snap,
		`POST .../images with a parent: 201, ${clone} a clone of ${vol}@${snap}`);

	const children = await client.GET("/api/v1/pools/{pool}/images/{image}/children", {
		params: { path: { pool, image: vol } },
	});
	check(children.response.status === 200 &&
		(children.data?.Items ?? []).some((child) => child.image === clone),
		`GET .../images/${vol}/children: ${clone}`);

	// Errors, read as the document's Status.
	const busy = await client.DELETE("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: vol } },
	});
	failure(busy.error, true, 409, "Conflict", `DELETE .../images/${vol} with a snapshot`);
	const missing = await client.GET("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: `${vol}-nothing` } },
	});
	failure(missing.error, true, 404, "NotFound", "GET of an image that does not exist");
	const bad = await client.POST("/api/v1/pools/{pool}/images", {
		params: { path: { pool } },
		body: { name: `${vol}-bad`, size: "lots" },
	});
	failure(bad.error, true, 400, "BadRequest", "POST .../images with a size that is not one");

	const gone = await client.DELETE("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: clone } },
	});
	check(gone.response.status === 204, `DELETE .../images/${clone}: 204`);
	const unprotect = await client.PATCH("/api/v1/pools/{pool}/images/{image}/snapshots/{snapshot}", {
		params: { path: { pool, image: vol, snapshot: snap } },
		body: { protected: false },
	});
	check(unprotect.response.status === 200 && unprotect.data?.protected === false,
		`PATCH .../snapshots/${snap} unprotected: 200`);
	const unsnap = await client.DELETE("/api/v1/pools/{pool}/images/{image}/snapshots/{snapshot}", {
		params: { path: { pool, image: vol, snapshot: snap } },
	});
	check(unsnap.response.status === 204, `DELETE .../snapshots/${snap}: 204`);
	const deleted = await client.DELETE("/api/v1/pools/{pool}/images/{image}", {
		params: { path: { pool, image: vol } },
	});
	check(deleted.response.status === 204, `DELETE .../images/${vol}: 204`);
}

tour().catch((err: unknown) => {
	console.log(`not ok - ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
});
