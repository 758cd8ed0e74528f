// Opens Payara's admin console in headless Chromium, walks "New Connector Connection Pool" for the pgpool adapter
// and checks that step 2 lists pgpool's config properties with their ra.xml defaults (descriptions are reported:
// Payara 6 leaves that column empty).
// Usage: node check-admin-console.mjs <adminUrl> <screenshotPath>   (exit 0 = all found, 1 = something missing)
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [adminUrl, shot] = process.argv.slice(2);
const base = adminUrl.replace(/\/$/, '');
// Time budget from check-admin-console.sh (what is left of the check's limit), 180 s when run by hand.
const budget = Number(process.env.CONSOLE_DEADLINE_MS) || 180_000;
const start = Date.now();
const deadline = start + budget;
const elapsed = () => ((Date.now() - start) / 1000).toFixed(1);
const left = () => Math.max(1000, deadline - Date.now());
const byId = id => `[id="${id}"]`;
const sheet = 'propertyForm:propertySheet:generalPropertySheet:';

// Every pgpool property: name, the value the console must show (ra.xml default; '' = empty; null = not checked)
// and a piece of its ra.xml description. Keep in step with the settings table in README.md.
const expected = [
  ['MaxSize', '20', 'Hard limit of physical connections'],
  ['MaxWait', '10', 'How long a request waits for a free connection'],
  ['Expires', '300', 'Maximum lifetime of a physical connection'],
  ['Cleanup', '20', 'Idle time after which an unused physical connection is closed'],
  ['ServerName', 'localhost', 'Host name or IP address of the PostgreSQL server'],
  ['PortNumber', '5432', 'TCP port of the PostgreSQL server'],
  ['DatabaseName', '', 'Name of the database to connect to'],
  ['User', '', 'Database user'],
  ['Password', '', 'Password of User'],
  ['DriverProperties', '', 'Further pgjdbc connection properties'],
  ['PoolName', '', 'Name of the pool in messages'],
  ['ValidateIdle', '1', 'A connection idle longer than this is checked'],
  ['ValidationTimeout', '5', 'How long a validity check may take'],
  ['ConnectTimeout', '10', 'How long opening one physical connection'],
  ['LeakThreshold', '0', 'A connection held longer than this is reported'],
  ['SessionReset', 'detect', 'How session state is cleaned'],
];
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pgpool-console-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 3200 },
});
context.setDefaultTimeout(60_000);
const page = context.pages()[0] || await context.newPage();
const problems = [];
try {
  // The console deploys itself on the first request and answers with a "loading" page until it is ready:
  // open the wizard until its adapter list is there, with a deadline.
  const adapter = page.locator(byId(sheet + 'resAdapterProp:db'));
  for (;;) {
    await page.goto(base + '/jca/connectorConnectionPoolNew1.jsf', { timeout: left() }).catch(() => {});
    if (await adapter.count()) break;
    if (Date.now() > deadline) throw new Error('admin console wizard did not come up; page title: ' + await page.title());
    await page.waitForTimeout(2000); // pause between polls; the loop condition is what waits
  }
  console.log('step 1: ' + await page.title());
  await page.fill(byId(sheet + 'jndiProp:name'), 'pgpool-console-check');
  // Choosing the adapter posts the form back and reloads the connection definitions.
  await adapter.selectOption('pgpool');
  const definition = page.locator(byId(sheet + 'connectionDefProp:db') + ' option[value="javax.sql.DataSource"]');
  await definition.waitFor({ state: 'attached', timeout: left() });
  await page.selectOption(byId(sheet + 'connectionDefProp:db'), 'javax.sql.DataSource');
  await page.click(byId('propertyForm:title:topButtons:nextButton'));
  await page.waitForFunction(() => /Step 2/.test(document.title), null, { timeout: left() });
  console.log('step 2: ' + await page.title() + ' at ' + elapsed() + ' s');
  // The property names are the values of text inputs in the Additional Properties table: wait for that table.
  await page.locator('input[value="MaxSize"]').first().waitFor({ timeout: left() });

  // Read each table row as cells, with input values standing in for the inputs.
  const rows = await page.evaluate(() => [...document.querySelectorAll('tr')].map(tr =>
    [...tr.children].map(td => {
      const input = td.querySelector('input[type=text], textarea');
      return (input ? input.value : td.innerText).trim();
    })));
  for (const [name, dflt, description] of expected) {
    const row = rows.find(cells => cells.includes(name));
    if (!row) { problems.push(`${name}: no row`); continue; }
    console.log(`row ${name}: ${JSON.stringify(row)}`);
    // The Value column follows the Name column.
    const shown = row[row.indexOf(name) + 1];
    if (dflt !== null && shown !== dflt) problems.push(`${name}: shows ${JSON.stringify(shown)}, expected default ${JSON.stringify(dflt)}`);
    // Payara 6's wizard leaves the Description column of this table empty for connector pools: report, do not fail.
    if (!row.some(c => c.includes(description))) console.log(`${name}: ra.xml description not shown by this console`);
    else console.log(`${name}: ra.xml description shown`);
  }
}
catch (e) { problems.push(String(e)); }
finally {
  await page.screenshot({ path: shot, fullPage: true, timeout: 30_000 }).catch(e => problems.push('screenshot: ' + e));
  console.log('screenshot taken at ' + elapsed() + ' s');
  await Promise.race([context.close(), new Promise(r => setTimeout(r, 10_000).unref())]);
}
if (problems.length) { console.error('FAILED:\n  ' + problems.join('\n  ')); process.exit(1); }
console.log(`all ${expected.length} properties shown with their defaults; screenshot ${shot}`);
