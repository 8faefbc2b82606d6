// The header's team switcher says what every screen shows: two teams (Sales, Support) each send through
// their own account to their own mailbox and fetch it back; with the header on "Sales" the Outbox, the
// Inbox, the Main Log and the delivery report show Sales' mail only and say so ("· Sales team"); on
// "All teams" both teams' mail is back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, deskAccount, type Product, startProduct } from './support/product';

type Api = Awaited<ReturnType<typeof apiSession>>;

let product: Product;
let browser: Browser;
let page: Page;
let api: Api;

const SALES_SUBJECT = 'Quote for the spring order';
const SUPPORT_SUBJECT = 'Ticket: printer jammed';

describe('the header team scope on every list', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    api = await apiSession(product.url);

    // A team with an account that mails its own mailbox and fetches it back.
    async function team(name: string, mailbox: string, subject: string) {
      const t = await api('POST', '/teams', { name });
      expect(t.status).toBe(201);
      const account = await api(
        'POST',
        '/accounts',
        deskAccount(product, { name: `${name} desk`, mailbox, teamId: String(t.body.id), debug: true }),
      );
      expect(account.status).toBe(201);
      const id = String(account.body.id);
      const sent = await api('POST', '/messages', { accountId: id, to: [mailbox], subject, text: 'Hello' });
      expect(sent.body.status).toBe('sent');
      const fetched = await api('POST', `/accounts/${id}/fetch`);
      expect(fetched.body.fetched).toBe(1);
    }
    await team('Sales', 'sales@example.org', SALES_SUBJECT);
    await team('Support', 'support@example.org', SUPPORT_SUBJECT);

    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const scope = (label: string) => page.getByLabel('Team scope').selectOption({ label });
  const countLine = (pager: string) => page.getByRole('navigation', { name: pager }).locator('[aria-live]');

  it('on "Sales", the Outbox lists Sales mail only and says so', async () => {
    await scope('Sales');
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('link', { name: SALES_SUBJECT }).waitFor();
    await expect.poll(() => countLine('Message pages').textContent()).toMatch(/shown of \d+ · Sales team$/);
    expect(await page.getByRole('link', { name: SUPPORT_SUBJECT }).count()).toBe(0);
    await page.waitForLoadState('networkidle');
    await screenshot(page, '80-outbox-team-scope');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('on "Sales", the Inbox lists what Sales accounts fetched only', async () => {
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('link', { name: SALES_SUBJECT }).waitFor();
    await expect.poll(() => countLine('Inbox pages').textContent()).toBe('1 shown of 1 · Sales team');
    expect(await page.getByRole('link', { name: SUPPORT_SUBJECT }).count()).toBe(0);
  });

  it('on "Sales", the Main Log shows the Sales account\'s rows only', async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    await expect.poll(() => countLine('Log pages').textContent()).toMatch(/ · Sales team$/);
    const accounts = page.getByRole('region', { name: 'Log entries' }).locator('tbody td:nth-child(5)');
    await expect.poll(() => accounts.count()).toBeGreaterThan(0);
    expect(new Set(await accounts.allTextContents())).toEqual(new Set(['Sales desk']));
    await page.waitForLoadState('networkidle');
    await screenshot(page, '81-logs-team-scope');
  });

  it('on "Sales", the delivery report counts Sales mail only, and its CSV follows', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Delivery · Sales team' }).waitFor();
    const report = page.getByRole('region', { name: /Delivery/ });
    await report.getByRole('link', { name: 'Sales desk' }).waitFor();
    expect(await report.getByRole('link', { name: 'Support desk' }).count()).toBe(0);
    const csv = await report
      .getByRole('link', { name: 'Download CSV of the delivery report' })
      .getAttribute('href');
    const text = await page.evaluate((href) => fetch(href!).then((r) => r.text()), csv);
    expect(text).toContain('Sales desk');
    expect(text).not.toContain('Support desk');
    await page.waitForLoadState('networkidle');
    await screenshot(page, '82-reports-team-scope');
  });

  it('on "Sales", Suppressions lists Sales\' list, and its Scope field\'s "All scopes" shows every list', async () => {
    const teams = (await api('GET', '/teams')).body.items as Array<{ id: string; name: string }>;
    const teamOf = (name: string) => teams.find((t) => t.name === name)?.id;
    for (const [address, teamId] of [
      ['gone.sales@example.org', teamOf('Sales')],
      ['gone.support@example.org', teamOf('Support')],
      ['gone.everyone@example.org', null],
    ] as const) {
      expect((await api('POST', '/suppressions', { address, teamId })).status).toBe(201);
    }
    await page.getByRole('link', { name: 'Suppressions' }).click();
    const listed = page.getByRole('cell', { name: /^gone\./ });
    await expect.poll(() => listed.allTextContents()).toEqual(['gone.sales@example.org']);
    const field = page.getByRole('combobox', { name: 'Scope', exact: true });
    expect(await field.inputValue()).toBe(teamOf('Sales'));

    await field.selectOption({ label: 'All scopes' });
    await expect
      .poll(async () => (await listed.allTextContents()).sort())
      .toEqual(['gone.everyone@example.org', 'gone.sales@example.org', 'gone.support@example.org']);
    // It stays chosen: the header's team does not take the field back.
    expect(await field.inputValue()).toBe('all');
    expect(page.url()).toContain('scope=all');

    // Another team in the header is what the list shows next, the field with it.
    await scope('Support');
    await expect.poll(() => listed.allTextContents()).toEqual(['gone.support@example.org']);
    expect(await field.inputValue()).toBe(teamOf('Support'));
  });

  it('"All teams" shows both teams again, on every list', async () => {
    await scope('All teams');
    await page.getByRole('link', { name: 'Reports' }).click();
    const report = page.getByRole('region', { name: /Delivery/ });
    await report.getByRole('link', { name: 'Support desk' }).waitFor();
    await report.getByRole('link', { name: 'Sales desk' }).waitFor();
    await page.getByRole('heading', { name: 'Delivery', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('link', { name: SUPPORT_SUBJECT }).waitFor();
    await page.getByRole('link', { name: SALES_SUBJECT }).waitFor();
    await expect.poll(() => countLine('Message pages').textContent()).not.toContain('·');

    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('link', { name: SUPPORT_SUBJECT }).waitFor();
    await page.getByRole('link', { name: SALES_SUBJECT }).waitFor();
    await expect.poll(() => countLine('Inbox pages').textContent()).toBe('2 shown of 2');

    await page.getByRole('link', { name: 'Logs' }).click();
    const accounts = page.getByRole('region', { name: 'Log entries' }).locator('tbody td:nth-child(5)');
    await expect.poll(async () => new Set(await accounts.allTextContents()).has('Support desk')).toBe(true);
  });
});
