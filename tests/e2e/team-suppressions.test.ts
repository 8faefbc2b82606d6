// A team that keeps its automatic suppressions to itself, end to end on the quick start: the admin makes
// the team on the Teams screen with "This team's own list"; the mock bounces a message of that team's
// account hard; "fetch now" on the bounce mailbox brings the DSN back; the address lands on the team's
// list (the Suppressions page names the team); the team's next send to it is suppressed while another
// team's send to the same address goes out.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, signedInPage, startProduct } from './support/product';

type Api = Awaited<ReturnType<typeof apiSession>>;

let product: Product;
let browser: Browser;
let page: Page;
let api: Api;
let pop3Port = 0;

const DEAD = 'gone-for-us@example.org';

describe("a team's own suppression list", () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    pop3Port = product.pop3Port;
    api = await apiSession(product.url);
    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  async function teamId(name: string) {
    const teams = (await api('GET', '/teams')).body.items as Array<{
      id: string;
      name: string;
      suppressionScope: string;
    }>;
    return teams.find((t) => t.name === name)!;
  }

  async function sender(name: string, team: string, bounceAddress?: string) {
    const r = await api('POST', '/accounts', {
      name,
      teamId: team,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: `${name.toLowerCase().replace(/\W+/g, '-')}@example.com` },
        sendMode: 'immediate',
        ...(bounceAddress ? { bounceAddress } : {}),
      },
    });
    expect(r.status).toBe(201);
    return String(r.body.id);
  }

  it('sets the scope on the Teams screen, with its explanation', async () => {
    await page.goto(`${product.url}/admin/teams`);
    await page.getByLabel('New team').fill('Own list');
    await page
      .getByLabel('Automatic suppressions')
      .selectOption({ label: "This team's own list (other teams still mail it)" });
    await page.getByRole('button', { name: 'Create team' }).click();
    const row = page.getByRole('row', { name: /Own list/ });
    await row.getByRole('cell', { name: "Team's own list" }).waitFor();
    expect((await teamId('Own list')).suppressionScope).toBe('team');

    await page.getByLabel('New team').fill('Shared list');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /Shared list/ })
      .getByRole('cell', { name: 'System list' })
      .waitFor();
    expect((await teamId('Shared list')).suppressionScope).toBe('system');
    await page.waitForLoadState('networkidle');
    await screenshot(page, '44-teams-suppression-scope');

    // The edit dialog shows the setting and changes it; back again.
    await page.getByRole('button', { name: 'Edit Shared list' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit team “Shared list”' });
    const select = dialog.getByLabel('Automatic suppressions');
    expect(await select.inputValue()).toBe('system');
    await dialog.getByText('Where hard bounces, complaints and repeated soft bounces').waitFor();
    await select.selectOption('team');
    await page.waitForLoadState('networkidle');
    await screenshot(page, '44-team-edit-suppression-scope');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('row', { name: /Shared list/ })
      .getByRole('cell', { name: "Team's own list" })
      .waitFor();
    expect((await teamId('Shared list')).suppressionScope).toBe('team');
    const back = await api('PATCH', `/teams/${(await teamId('Shared list')).id}`, {
      suppressionScope: 'system',
    });
    expect(back.body.suppressionScope).toBe('system');
  });

  it("a hard bounce on the team's message suppresses the address for that team only", async () => {
    const own = await teamId('Own list');
    const shared = await teamId('Shared list');
    const ownSender = await sender('Own sender', own.id, 'ownbounces@example.com');
    const sharedSender = await sender('Shared sender', shared.id);
    const mailbox = await api('POST', '/accounts', {
      name: 'Own bounces',
      teamId: own.id,
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: pop3Port,
        security: 'none',
        auth: { method: 'password', username: 'ownbounces@example.com', password: 'any' },
        pollIntervalSec: 86400,
        afterFetch: 'delete',
        bounceMailbox: true,
      },
    });
    expect(mailbox.status).toBe(201);
    const faults = await fetch(`${product.mockUrl}/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          stage: 'rcpt',
          match: DEAD,
          action: 'bounce',
          kind: 'hard',
          status: '5.1.1',
          code: 550,
          text: 'No such user',
        },
      ]),
    });
    expect(faults.status).toBe(200);
    const send = (accountId: string) =>
      api('POST', '/messages', { accountId, to: [DEAD], subject: 'Team news', text: 'News' });

    const sent = await send(ownSender);
    expect(sent.body.status).toBe('sent');
    const listed = async () =>
      (
        (await api('GET', `/suppressions?q=${encodeURIComponent(DEAD)}`)).body.items as Array<
          Record<string, unknown>
        >
      )[0];
    // "Fetch now" until the report is in (the poller's first fetch of a new mailbox may be running: 409).
    for (let i = 0; i < 300 && !(await listed()); i += 1) {
      const r = await api('POST', `/accounts/${mailbox.body.id}/fetch`);
      if (r.status !== 409) expect(r.status).toBe(200);
    }
    expect(await listed()).toMatchObject({
      teamId: own.id,
      reason: 'hard_bounce',
      source: 'message',
      messageId: sent.body.id,
    });

    const again = await send(ownSender);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('all_recipients_suppressed');
    expect(String(again.body.detail)).toContain('suppression list');
    const elsewhere = await send(sharedSender);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.status).toBe('sent');

    await page.goto(`${product.url}/suppressions`);
    const row = page.getByRole('row', { name: new RegExp(DEAD.replace(/\./g, '\\.')) });
    await row.getByRole('cell', { name: 'Team Own list' }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, '45-suppressions-team-scope');
  });

  it('the Suppressions and Webhooks pages ask before removing, and offer the teams as scopes', async () => {
    await page.goto(`${product.url}/suppressions`);
    await page.getByRole('button', { name: 'Add address' }).click();
    const add = page.getByRole('dialog', { name: 'Add an address' });
    const scopes = await add.getByLabel('Scope').locator('option').allTextContents();
    expect(scopes).toEqual(
      expect.arrayContaining(['System (every send)', 'Team Own list', 'Team Shared list']),
    );
    await add.getByRole('textbox', { name: 'Address' }).fill('manual-team@example.org');
    await add.getByLabel('Scope').selectOption({ label: 'Team Shared list' });
    await add.getByRole('button', { name: 'Add' }).click();
    const row = page.getByRole('row', { name: /manual-team@example\.org/ });
    await row.getByRole('cell', { name: 'Team Shared list' }).waitFor();
    await page.getByRole('button', { name: 'Remove manual-team@example.org' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove manual-team@example.org?' });
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.waitFor();
    await page.getByRole('button', { name: 'Remove manual-team@example.org' }).click();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api('GET', '/suppressions?q=manual-team')).body.total).toBe(0);

    const shared = await teamId('Shared list');
    const hook = await api('POST', '/webhooks', {
      url: 'http://127.0.0.1:9/hooks/team',
      description: 'team receiver',
      teamId: shared.id,
    });
    expect(hook.status).toBe(201);
    await page.goto(`${product.url}/webhooks`);
    const hookRow = page.getByRole('row', { name: /127\.0\.0\.1:9\/hooks\/team/ });
    await hookRow.getByRole('cell', { name: 'Team Shared list' }).waitFor();
    await page.getByRole('button', { name: 'Delete http://127.0.0.1:9/hooks/team' }).click();
    const del = page.getByRole('dialog', { name: 'Delete http://127.0.0.1:9/hooks/team?' });
    await del.getByText('nothing more is posted to it').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await del.getByRole('button', { name: 'Delete' }).click();
    await hookRow.waitFor({ state: 'detached' });
    expect(((await api('GET', '/webhooks')).body.items as unknown[]).length).toBe(0);
  });

  it('imports its own export back, notes and all, and says which columns it did not take', async () => {
    const added = await api('POST', '/suppressions', {
      address: 'noted@example.org',
      reason: 'complaint',
      detail: 'asked us by phone',
    });
    expect(added.status).toBe(201);
    await page.goto(`${product.url}/suppressions`);
    const row = page.getByRole('row', { name: /noted@example\.org/ });
    await row.getByRole('cell', { name: 'Manual · asked us by phone' }).waitFor();
    // The file the "Export CSV" link downloads, with the page's session.
    const csv = await page.evaluate(() => fetch('/api/v1/suppressions/export').then((r) => r.text()));
    expect(csv).toContain('noted@example.org,complaint,system,manual,,asked us by phone');
    await page.getByRole('button', { name: 'Remove noted@example.org' }).click();
    await page
      .getByRole('dialog', { name: 'Remove noted@example.org?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await row.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const into = page.getByRole('dialog', { name: 'Import a CSV' });
    expect(await into.getByLabel('Scope').inputValue()).toBe('');
    await into.getByLabel('CSV file to import').setInputFiles({
      name: 'mailroom-suppressions.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    const result = page.getByRole('dialog', { name: 'Import finished' });
    await result.getByText('Columns not imported:').waitFor();
    expect(await result.getByRole('listitem').allTextContents()).toEqual([
      'source: an imported entry is recorded as an import',
      'message_id: an imported entry names no message',
      'created_at: an imported entry is recorded as added now',
      expect.stringMatching(/^created_by: an imported entry is recorded as added by \S/),
    ]);
    // The team's own entry is not widened to every send by an import into the system list.
    await result
      .getByRole('row', { name: /gone-for-us@example\.org.*the file puts it on team Own list's list/ })
      .waitFor();
    await screenshot(page, '46-suppressions-import');
    await result.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('cell', { name: 'Import · asked us by phone' }).waitFor();
    const back = (await api('GET', '/suppressions?q=noted')).body.items as Array<Record<string, unknown>>;
    expect(back).toEqual([
      expect.objectContaining({
        teamId: null,
        reason: 'complaint',
        source: 'import',
        detail: 'asked us by phone',
      }),
    ]);
  });

  it("lets a team admin import into their team's list from the screen", async () => {
    const own = await teamId('Own list');
    const who = { email: 'lead@example.org', password: 'a long team lead password' };
    const user = await api('POST', '/users', {
      email: who.email,
      name: 'Team lead',
      password: who.password,
      role: 'team_admin',
      teamIds: [own.id],
    });
    expect(user.status).toBe(201);
    const lead = await signedInPage(browser, product.url, who);
    await lead.goto(`${product.url}/suppressions`);
    await lead.getByRole('button', { name: 'Import CSV' }).click();
    const into = lead.getByRole('dialog', { name: 'Import a CSV' });
    // A team admin has no system list to import into: their team is the choice.
    expect(await into.getByLabel('Scope').locator('option').allTextContents()).toEqual(['Team Own list']);
    await into.getByLabel('CSV file to import').setInputFiles({
      name: 'ours.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('address,reason,note\nleft-us@example.org,manual,moved away\n'),
    });
    const result = lead.getByRole('dialog', { name: 'Import finished' });
    await result.getByText('1 added, 0 skipped, 0 invalid, into the list of team Own list.').waitFor();
    await result.getByRole('button', { name: 'Done' }).click();
    const back = (await api('GET', '/suppressions?q=left-us')).body.items as Array<Record<string, unknown>>;
    expect(back).toEqual([
      expect.objectContaining({ teamId: own.id, source: 'import', detail: 'moved away' }),
    ]);
    await lead.close();
  });
});
