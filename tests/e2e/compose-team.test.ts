// A team admin of two teams sends through a system-level account from the New message dialog: the
// message is one team's (only its people read it), so the dialog asks which ("For team"); without one the
// send is refused on that field; with one, the message is that team's and the other team's admin never
// sees it in their Outbox.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch } from './support/browser';
import { buildWeb, type Product, signedInPage, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let api: Awaited<ReturnType<typeof apiSession>>;
const teams: Record<string, string> = {};

describe('a team admin of several teams composes through a system account', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    api = await apiSession(product.url);
    for (const name of ['Sales', 'Support', 'Billing']) {
      const t = await api('POST', '/teams', { name });
      expect(t.status).toBe(201);
      teams[name] = String(t.body.id);
    }
    const relay = await api('POST', '/accounts', {
      name: 'Shared relay',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'relay@example.com' },
        sendMode: 'queued',
      },
    });
    expect(relay.status).toBe(201);
    const d = await api('PUT', '/defaults', {
      teamId: null,
      direction: 'outgoing',
      accountId: relay.body.id,
    });
    expect(d.status).toBe(200);
    for (const [email, teamIds] of [
      ['two@example.org', [teams.Sales, teams.Support]],
      ['billing@example.org', [teams.Billing]],
    ] as const) {
      const u = await api('POST', '/users', {
        email,
        name: email,
        password: 'a long team lead password',
        role: 'team_admin',
        teamIds,
      });
      expect(u.status, JSON.stringify(u.body)).toBe(201);
    }
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('asks for the team, refuses the send without one, and the message is that team’s alone', async () => {
    const page = await signedInPage(browser, product.url, {
      email: 'two@example.org',
      password: 'a long team lead password',
    });
    await page.goto(`${product.url}/outbox`);
    await page.getByRole('button', { name: 'New message' }).click();
    const dialog = page.getByRole('dialog', { name: 'New message' });
    const team = dialog.getByLabel('For team');
    expect(await team.locator('option').allTextContents()).toEqual(['Choose a team', 'Sales', 'Support']);
    await dialog.getByLabel('To', { exact: true }).fill('customer@example.org');
    await dialog.getByLabel('Subject').fill('Quote for Support');
    await dialog.getByLabel('Message').fill('Hello');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => dialog.textContent())
      .toContain('is required for a send through a system-level account');
    await team.selectOption({ label: 'Support' });
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const ofTeam = async (teamId: string) =>
      (await api('GET', `/messages?q=Quote&teamId=${teamId}`)).body.total;
    expect(await ofTeam(teams.Support!)).toBe(1);
    expect(await ofTeam('system')).toBe(0);
    // Billing's admin reads the shared relay's messages of no team, not Support's.
    const billing = await signedInPage(browser, product.url, {
      email: 'billing@example.org',
      password: 'a long team lead password',
    });
    await billing.goto(`${product.url}/outbox`);
    await billing
      .getByText(/shown|No messages|nothing/i)
      .first()
      .waitFor();
    expect(await billing.getByText('Quote for Support').count()).toBe(0);
    // A team admin of one team is not asked.
    await billing.getByRole('button', { name: 'New message' }).click();
    const own = billing.getByRole('dialog', { name: 'New message' });
    await own.getByLabel('To', { exact: true }).waitFor();
    expect(await own.getByLabel('For team').count()).toBe(0);
  });
});
