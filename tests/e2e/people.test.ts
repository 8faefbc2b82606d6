// The people side in the browser, as an admin checks it: a new colleague signs in, is locked out at once
// when disabled (their session and their API token alike), comes back when enabled, must choose a new
// password after a reset; a team with accounts is not deleted unless its accounts move; a team-admin
// token made with the team picker works for its team only.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

const ANN = { email: 'ann@example.com', name: 'Ann Lee', password: 'ann first password' };

let product: Product;
let browser: Browser;
/** The admin's browser. */
let admin: Page;
/** Ann's browser: another context, so another session. */
let annContext: BrowserContext;
let ann: Page;
let annToken = '';

/** A request with a bearer token, as Ann's script would send it. */
async function withToken(token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${product.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

/** Ann's own session, asking the API who she is (the cookie of her browser). */
const annSession = async () => (await ann.request.get(`${product.url}/api/v1/auth/me`)).status();

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${product.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
}

async function manage(name: string) {
  await admin.goto(`${product.url}/admin/users`);
  await admin.getByRole('button', { name: `Manage ${name}` }).click();
  return admin.getByRole('dialog', { name });
}

describe('people', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    browser = await launch();
    admin = await adminPage(browser, product.url);
    annContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    ann = await annContext.newPage();
    ann.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('creates a user who signs in and makes an API token', async () => {
    await admin.goto(`${product.url}/admin/users`);
    await admin.getByRole('button', { name: 'New user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email').fill(ANN.email);
    await dialog.getByLabel('Name').fill(ANN.name);
    await dialog.getByLabel('Initial password').fill(ANN.password);
    await dialog.getByLabel('Role').selectOption({ label: 'Admin' });
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await admin.getByRole('cell', { name: ANN.email }).waitFor();

    await signIn(ann, ANN.email, ANN.password);
    await ann.waitForURL(/\/accounts$/);
    await ann.goto(`${product.url}/admin/tokens`);
    await ann.getByLabel('Token name').fill("Ann's script");
    await ann.getByRole('button', { name: 'Create token' }).click();
    annToken = (await ann.getByTestId('new-token').textContent())?.trim() ?? '';
    await ann.getByRole('button', { name: 'Done' }).click();
    expect(annToken).toMatch(/^mr_/);
    expect((await withToken(annToken, '/accounts')).status).toBe(200);
    expect(await annSession()).toBe(200);
  });

  it('disables her: her session and her token get 401 on the very next request', async () => {
    const drawer = await manage(ANN.name);
    await drawer.getByRole('button', { name: 'Disable…' }).click();
    const confirm = admin.getByRole('dialog', { name: `Disable ${ANN.name}?` });
    await confirm.getByLabel('Reason (optional)').fill('left the company');
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await drawer
      .getByText(/^Disabled/)
      .first()
      .waitFor();

    expect(await annSession()).toBe(401);
    expect((await withToken(annToken, '/accounts')).status).toBe(401);
    // In her browser: the next screen sends her to sign in, which says why she cannot.
    await ann.getByRole('link', { name: 'Outbox' }).click();
    await ann.getByRole('heading', { name: 'Sign in' }).waitFor();
    await ann.getByLabel('Email').fill(ANN.email);
    await ann.getByLabel('Password').fill(ANN.password);
    await ann.keyboard.press('Enter');
    await ann.getByText('This user is disabled').waitFor();

    // The change is in the user's history, with who did it.
    await drawer.getByText(`User ${ANN.name} <${ANN.email}> disabled: left the company`).waitFor();
    await screenshot(admin, '30-people-user-disabled');
    expect(await seriousViolations(admin)).toEqual([]);
  });

  it('enables her again: the token works again and she signs in', async () => {
    const drawer = await manage(ANN.name);
    await drawer.getByRole('button', { name: 'Enable' }).click();
    await drawer.getByRole('button', { name: 'Disable…' }).waitFor();
    expect((await withToken(annToken, '/accounts')).status).toBe(200);
    await signIn(ann, ANN.email, ANN.password);
    await ann.waitForURL(/\/accounts$/);
    expect(await annSession()).toBe(200);
  });

  it('resets her password: her session ends, and at sign-in she must choose a new one first', async () => {
    const drawer = await manage(ANN.name);
    await drawer.getByRole('button', { name: 'Reset password…' }).click();
    await admin.getByRole('button', { name: 'Generate temporary password' }).click();
    const temporary = (await admin.getByTestId('temporary-password').textContent())?.trim() ?? '';
    expect(temporary.length).toBeGreaterThanOrEqual(16);
    await screenshot(admin, '31-people-temporary-password');
    await admin.getByRole('button', { name: 'Done' }).click();
    expect(await annSession()).toBe(401);

    await signIn(ann, ANN.email, temporary);
    await ann.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // Nothing else works meanwhile, whatever she asks the API.
    const blocked = await ann.request.get(`${product.url}/api/v1/accounts`);
    expect(blocked.status()).toBe(403);
    expect(await blocked.json()).toMatchObject({ passwordChangeRequired: true });
    expect(await seriousViolations(ann)).toEqual([]);
    await screenshot(ann, '32-people-choose-password');

    await ann.getByLabel('Temporary password').fill(temporary);
    await ann.getByLabel('New password', { exact: true }).fill('ann chose this herself');
    await ann.getByLabel('Repeat the new password').fill('ann chose this too');
    await ann.getByRole('button', { name: 'Save and continue' }).click();
    await ann.getByText('does not match the new password').waitFor();
    await ann.getByLabel('Repeat the new password').fill('ann chose this herself');
    await ann.getByRole('button', { name: 'Save and continue' }).click();
    await ann.getByRole('heading', { level: 1, name: 'Mail accounts' }).waitFor();
    expect((await ann.request.get(`${product.url}/api/v1/accounts`)).status()).toBe(200);
    // Her token was never part of it.
    expect((await withToken(annToken, '/accounts')).status).toBe(200);
  });

  it('lets her change her own password from the header', async () => {
    await ann.getByRole('button', { name: 'Change password' }).click();
    const dialog = ann.getByRole('dialog', { name: 'Change my password' });
    await dialog.getByLabel('Current password').fill('not my password at all');
    await dialog.getByLabel('New password', { exact: true }).fill('ann third password');
    await dialog.getByLabel('Repeat the new password').fill('ann third password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('is wrong').waitFor();
    await dialog.getByLabel('Current password').fill('ann chose this herself');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await ann.getByText('Password changed').waitFor();
    expect(await annSession()).toBe(200);
  });

  it('refuses to delete a team that has accounts, then moves them to the system level on request', async () => {
    const sales = await withToken(annToken, '/teams', {
      method: 'POST',
      body: JSON.stringify({ name: 'Sales' }),
    });
    expect(sales.status).toBe(403); // Ann's token is a viewer token: the scene is set by the admin below.
    await admin.goto(`${product.url}/admin/teams`);
    await admin.getByLabel('New team').fill('Sales');
    await admin.keyboard.press('Enter');
    await admin.getByRole('cell', { name: 'Sales', exact: true }).waitFor();
    const teams = (await (await admin.request.get(`${product.url}/api/v1/teams`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    const salesId = teams.items.find((t) => t.name === 'Sales')!.id;
    const csrf = (
      (await (await admin.request.get(`${product.url}/api/v1/auth/me`)).json()) as { csrfToken: string }
    ).csrfToken;
    const account = await admin.request.post(`${product.url}/api/v1/accounts`, {
      headers: { 'x-csrf-token': csrf },
      data: {
        name: 'Sales desk',
        teamId: salesId,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: product.smtpPort,
          security: 'none',
          from: { address: 'sales@example.com' },
        },
      },
    });
    expect(account.status()).toBe(201);
    const accountId = ((await account.json()) as { id: string }).id;

    await admin.reload();
    await admin.getByRole('button', { name: 'Delete Sales' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete team “Sales”?' });
    await dialog.getByRole('button', { name: 'Delete team' }).click();
    await dialog.getByText('Team “Sales” still has 1 mail account').waitFor();
    await screenshot(admin, '33-people-team-refused');
    expect(await seriousViolations(admin)).toEqual([]);
    await dialog.getByLabel('Move its accounts to the system level (1 account)').check();
    await dialog.getByRole('button', { name: 'Delete team' }).click();
    await admin.getByText('1 account moved to the system level').waitFor();
    await expect.poll(() => admin.getByRole('cell', { name: 'Sales', exact: true }).count()).toBe(0);
    const moved = (await (await admin.request.get(`${product.url}/api/v1/accounts/${accountId}`)).json()) as {
      teamId: string | null;
    };
    expect(moved.teamId).toBeNull();
  });

  it('creates a team-admin token with the team picker, and it works for that team only', async () => {
    await admin.goto(`${product.url}/admin/teams`);
    await admin.getByLabel('New team').fill('Support');
    await admin.keyboard.press('Enter');
    await admin.getByRole('cell', { name: 'Support', exact: true }).waitFor();

    await admin.goto(`${product.url}/admin/tokens`);
    await admin.getByLabel('Token name').fill('Support CRM');
    await admin.getByLabel('Role').selectOption({ label: 'Team admin' });
    await admin.getByRole('button', { name: 'Create token' }).click();
    // Without a team the API's refusal lands on the picker, where it can be fixed.
    await admin.getByText('a team admin token needs at least one team').waitFor();
    await admin.getByRole('checkbox', { name: 'Support' }).check();
    await screenshot(admin, '34-people-token-team');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const token = (await admin.getByTestId('new-token').textContent())?.trim() ?? '';
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('cell', { name: 'Support CRM' }).waitFor();

    const teams = (await (await admin.request.get(`${product.url}/api/v1/teams`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    const supportId = teams.items.find((t) => t.name === 'Support')!.id;
    const me = await withToken(token, '/auth/me');
    expect(me.body?.user).toMatchObject({ role: 'team_admin', teamIds: [supportId] });
    const smtp = (name: string, teamId: string | null) =>
      JSON.stringify({
        name,
        teamId,
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: product.smtpPort,
          security: 'none',
          from: { address: 'help@example.com' },
        },
      });
    expect(
      (await withToken(token, '/accounts', { method: 'POST', body: smtp('Support desk', supportId) })).status,
    ).toBe(201);
    expect(
      (await withToken(token, '/accounts', { method: 'POST', body: smtp('Not mine', null) })).status,
    ).toBe(403);
  });
});
