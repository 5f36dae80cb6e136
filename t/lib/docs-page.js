// t/lib/docs-page.js - drives Debian's chromium (headless, through the npm
// package playwright-core) over the API reference page, for t/78-docs-page.t.
//
//   NODE_PATH=.../node_modules node docs-page.js URL USER PASSWORD
//
// Loads URL/api/docs with the user's basic-auth login, waits for Swagger UI
// to render the document, runs "Try it out" on GET /api/v1/health and
// prints one JSON object: {status, tags, operations, tryStatus, tryShown,
// errors}. The test compares it with the document.
'use strict';
const { chromium } = require('playwright-core');

async function main() {
	const [url, username, password] = process.argv.slice(2);
	const out = { errors: [] };
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		// As root, chromium refuses to start without this.
		args: ['--no-sandbox'],
	});
	try {
		const context = await browser.newContext({
			httpCredentials: { username, password },
			// The test stack's certificate is self-signed.
			ignoreHTTPSErrors: true,
		});
		const page = await context.newPage();
		page.on('pageerror', (e) => out.errors.push(String(e)));
		const answer = await page.goto(url + '/api/docs');
		out.status = answer.status();
		await page.waitForSelector('.opblock-tag', { timeout: 60000 });
		// Swagger UI (5.x) keeps only the operations near the viewport in
		// the page once a document is large (ours passed that with about
		// 140 operations): walk down the page a screen at a time and
		// collect what each screen shows, until the bottom shows nothing
		// new.
		const tags = new Set();
		const operations = new Set();
		let still = 0;
		for (let i = 0; i < 400 && still < 3; i++) {
			const seen = await page.evaluate(() => ({
				tags: [...document.querySelectorAll('.opblock-tag')].map((e) =>
					e.getAttribute('data-tag')),
				operations: [...document.querySelectorAll('.opblock')].map((e) => {
					const method = e.querySelector('.opblock-summary-method');
					const path = e.querySelector('.opblock-summary-path');
					return (method ? method.textContent.trim() : '?') + ' ' +
						(path ? path.getAttribute('data-path') : '?');
				}),
				bottom: window.scrollY + window.innerHeight >=
					document.body.scrollHeight - 2,
			}));
			const before = tags.size + operations.size;
			seen.tags.forEach((t) => tags.add(t));
			seen.operations.forEach((o) => operations.add(o));
			still = seen.bottom && tags.size + operations.size === before ? still + 1 : 0;
			await page.mouse.wheel(0, 400);
			await page.waitForTimeout(100);
		}
		out.tags = [...tags];
		out.operations = [...operations];
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.waitForTimeout(500);

		// "Try it out" on the health check: the browser, not this script,
		// makes the call, with the page's own fetch and login.
		const op = page.locator('.opblock-get').filter({
			has: page.locator('.opblock-summary-path[data-path="/api/v1/health"]'),
		}).first();
		await op.locator('.opblock-summary').first().click();
		await op.locator('button.try-out__btn').click();
		const called = page.waitForResponse((r) =>
			new URL(r.url()).pathname === '/api/v1/health', { timeout: 30000 });
		await op.locator('button.execute').click();
		out.tryStatus = (await called).status();
		const shown = op.locator('.live-responses-table tr.response .response-col_status').first();
		await shown.waitFor({ timeout: 30000 });
		out.tryShown = (await shown.textContent()).trim();
	} catch (e) {
		out.errors.push(String(e));
	} finally {
		await browser.close();
	}
	process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
	process.stdout.write(JSON.stringify({ errors: [String(e)] }) + '\n');
	process.exit(1);
});
