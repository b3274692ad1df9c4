'use strict';
// The web console in headless chromium, for console.test.sh. The emulator already has a JITR CA
// with auto-registration, the workshop's Lambda behind a rule on the registration event, a
// watcher certificate allowed everything and the device's certificate (not yet registered). With
// the page open (never reloaded) this:
//   1. connects the device: refused, registered, activated by the Lambda; the page must show the
//      certificate PENDING_ACTIVATION, then ACTIVE, and the refusal's reason;
//   2. reads the onboarding story on the live view;
//   3. publishes from the page's form to the device's topic: the device's mosquitto_sub and the
//      watcher's receive it, and the traffic list shows it;
//   4. revokes the certificate from the page: the device is dropped;
//   5. runs axe-core on every view (no serious or critical violation) and screenshots each.
//
//   node console_browser.js <config.json>
//
// Prints "PASS <what>" per step, or "FAIL <reason>" and exits 1.

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const puppeteer = require('puppeteer-core');

const { deadline } = require('./deadline');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const consoleUrl = config.api + '/_emulator/console/';
const children = [];

function expect(condition, what, value) {
  if (!condition) throw new Error(`${what}: ${JSON.stringify(value)}`);
  console.log(`PASS ${what}`);
}

// mosquitto_pub / mosquitto_sub against the emulator with a certificate; output collected.
function mosquitto(program, cert, key, args) {
  // Line-buffered, so that "received SUBACK" and each message can be waited for.
  const child = spawn('stdbuf', ['-oL', program, '-h', config.host, '-p', String(config.port), '--cafile', config.ca,
    '--cert', cert, '--key', key, ...args]);
  const run = { child, output: '', exited: null };
  child.stdout.on('data', (data) => { run.output += data; });
  child.stderr.on('data', (data) => { run.output += data; });
  run.done = new Promise((resolve) => child.on('exit', (code) => { run.exited = code; resolve(code); }));
  children.push(child);
  return run;
}

async function until(predicate, what, ms) {
  await deadline(new Promise((resolve) => {
    const check = async () => ((await predicate()) ? resolve() : setTimeout(check, 50));
    check();
  }), what, ms);
}

// The journal's events of `kind` after `after` (the page's own API, read here to confirm).
async function journal(kind, after = 0) {
  const response = await fetch(`${config.api}/_emulator/journal?after=${after}&kind=${kind}`);
  return (await response.json()).events;
}

async function view(page, name) {
  await page.evaluate((hash) => { window.location.hash = hash; }, name);
  await page.waitForFunction((hash) =>
    !document.querySelector('#view-' + hash).hidden, {}, name);
}

async function shoot(page, name) {
  await page.screenshot({ path: path.join(config.shots, `${name}.png`), fullPage: true });
}

async function accessible(page, name) {
  const results = await page.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ['violations'] });
    return outcome.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      help: v.help }));
  });
  for (const v of results) console.log(`  axe on ${name}: ${v.impact} ${v.id} (${v.nodes}): ${v.help}`);
  const serious = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.length === 0, `axe-core finds no serious or critical violation on the ${name} view`,
    serious);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 800 });  // a laptop screen
    page.on('dialog', (dialog) => dialog.accept());       // the page confirms a revoke
    page.on('pageerror', (error) => console.log(`  page error: ${error.message}`));
    await page.goto(consoleUrl + '#certificates', { waitUntil: 'load' });
    await page.waitForSelector('#connection.live', { timeout: 20_000 });
    expect(true, 'the console loads and its live stream opens');
    await page.evaluate(() => { window.loadedOnce = true; });  // gone if the page reloads
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });

    // Every status the certificate's row shows, in order.
    await page.evaluate((id) => {
      window.statusesShown = [];
      const look = () => {
        const cell = document.querySelector(`tr[data-certificate-id="${id}"] [data-field="status"]`);
        const status = cell && cell.textContent;
        if (status && window.statusesShown.at(-1) !== status) window.statusesShown.push(status);
      };
      new MutationObserver(look).observe(document.querySelector('#certificates-table tbody'),
        { childList: true, subtree: true, characterData: true });
    }, config.certificateId);

    // 1. The device's first connect: refused, registered, activated by the Lambda.
    const first = mosquitto('mosquitto_pub', config.deviceCert, config.deviceKey,
      ['-i', config.thing, '-t', `dt/${config.thing}/hello`, '-q', '1', '-m', 'probe']);
    expect((await deadline(first.done, 'the first connect')) !== 0,
      'the first connect is refused', first.output);
    const row = `tr[data-certificate-id="${config.certificateId}"]`;
    await page.waitForFunction((selector) => {
      const cell = document.querySelector(selector + ' [data-field="status"]');
      return cell && cell.textContent === 'ACTIVE';
    }, { timeout: 30_000 }, row);
    const shown = await page.evaluate(() => window.statusesShown);
    expect(shown.indexOf('PENDING_ACTIVATION') >= 0 &&
      shown.indexOf('PENDING_ACTIVATION') < shown.indexOf('ACTIVE'),
    'the certificate showed PENDING_ACTIVATION, then ACTIVE', shown);
    expect(await page.$eval(row + ' [data-field="history"]', (c) => c.textContent) ===
      'PENDING_ACTIVATION → ACTIVE', 'its status history reads PENDING_ACTIVATION → ACTIVE',
    await page.$eval(row + ' [data-field="history"]', (c) => c.textContent));
    const refusal = await page.$eval(row + ' [data-field="lastRefusal"]', (c) => c.textContent);
    expect(refusal.includes('certificate PENDING_ACTIVATION: registration event published'),
      'the refusal reason is shown', refusal);
    expect(await page.evaluate(() => window.loadedOnce === true), 'all without a reload');
    await until(async () => (await page.$eval(row, (r) => r.textContent)).includes('jitr_Policy'),
      'the policy the Lambda attached', 10_000);
    expect(true, "the row shows the Lambda's thing and policy");

    // 2. The device connects for good; the live view tells the story in order.
    const device = mosquitto('mosquitto_sub', config.deviceCert, config.deviceKey,
      ['-d', '-i', config.thing, '-t', `cmd/${config.thing}/#`, '-q', '1', '-F', 'MSG %t %p']);
    await until(() => device.output.includes('received SUBACK'), 'the device subscribes');
    await view(page, 'live');
    const story = `#stories li[data-certificate-id="${config.certificateId}"]`;
    await page.waitForFunction((selector) => {
      const steps = [...document.querySelectorAll(selector + ' li[data-step]')].map((s) => s.dataset.step);
      return steps.includes('accepted');
    }, { timeout: 15_000 }, story);
    const steps = await page.$$eval(story + ' li[data-step]', (items) => items.map((s) => s.dataset.step));
    const order = ['refused', 'registered', 'event', 'rule', 'success', 'accepted'];
    const positions = order.map((step) => steps.indexOf(step));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1])),
      'the story reads refused → registered → event → rule → Lambda → connected', steps);
    expect((await page.$eval(story, (s) => s.textContent)).includes('status now ACTIVE'),
      'the story shows the activation', await page.$eval(story, (s) => s.textContent));

    // 3. A message published from the page reaches the device and the watcher.
    const watcher = mosquitto('mosquitto_sub', config.watcherCert, config.watcherKey,
      ['-d', '-i', 'console-watcher', '-t', 'cmd/#', '-q', '1', '-F', 'MSG %t %p']);
    await until(() => watcher.output.includes('received SUBACK'), 'the watcher subscribes');
    await page.type('#publish-topic', `cmd/${config.thing}/lamp`);
    await page.type('#publish-payload', '{"light":"on"}');
    await page.click('#publish-form button[type="submit"]');
    const line = `MSG cmd/${config.thing}/lamp {"light":"on"}`;
    await until(() => device.output.includes(line), "the device's mosquitto_sub gets the page's message");
    await until(() => watcher.output.includes(line), "the watcher gets the page's message");
    expect(true, "a message published from the page reaches the device's mosquitto_sub");
    await page.waitForFunction((topic) =>
      document.querySelector(`#traffic li[data-topic="${topic}"]`), { timeout: 10_000 },
    `cmd/${config.thing}/lamp`);
    expect(true, 'the traffic list shows it');
    await shoot(page, 'live');
    await accessible(page, 'live');

    // 4. Revoking from the page drops the device.
    await view(page, 'certificates');
    await page.waitForSelector(row + ' button[data-action="revoke"]');
    const before = (await journal('disconnect')).length;
    // Found and clicked in one step in the page: the table may be redrawn by a live update
    // between a lookup and a click from here, which leaves puppeteer a detached button.
    await page.$eval(row + ' button[data-action="revoke"]', (button) => button.click());
    await until(async () => (await journal('disconnect')).slice(before).some((e) =>
      e.certificateId === config.certificateId && e.reason === 'AUTH_ERROR'),
    'the device dropped', 15_000);
    expect(true, 'revoking from the page drops the device (disconnect AUTH_ERROR)');
    await page.waitForFunction((selector) =>
      document.querySelector(selector + ' [data-field="status"]').textContent === 'REVOKED',
    { timeout: 10_000 }, row);
    expect(true, 'the row shows REVOKED');
    await shoot(page, 'certificates');
    await accessible(page, 'certificates');

    // 5. The other views: what they show, and axe-core on each.
    const checks = {
      cas: [`tr[data-ca-certificate-id="${config.caId}"]`, 'ENABLE'],
      things: ['tr[data-thing-name="lamp"]', 'room = hall'],
      policies: ['tr[data-policy-name="jitr_Policy"]', 'iot:Connect'],
      rules: ['tr[data-rule-name="JITRRule"]', `$aws/events/certificates/registered/${config.caId}`],
      functions: ['tr[data-function-name="jitr"]', 'success'],
    };
    for (const [name, [selector, text]] of Object.entries(checks)) {
      await view(page, name);
      await page.waitForFunction((s, t) => {
        const found = document.querySelector(s);
        return found && found.textContent.includes(t);
      }, { timeout: 10_000 }, selector, text);
      expect(true, `the ${name} view shows ${selector} with "${text}"`);
      await shoot(page, name);
      await accessible(page, name);
    }
  } finally {
    await browser.close();
    for (const child of children) child.kill();
  }
}

main().catch((error) => {
  console.log(`FAIL ${error.message}`);
  for (const child of children) child.kill();
  process.exit(1);
});
