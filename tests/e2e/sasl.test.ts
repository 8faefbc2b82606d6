// The OAuth2 sign-in's SASL mechanism on the quick start: an admin switches an account from auto to
// OAUTHBEARER in the form, the outgoing test signs in with it and says so, and a send is delivered.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

let product: Product;
let browser: Browser;
let page: Page;

const IDENTITY = 'sasl@oauth.mock.test';

describe('the SASL mechanism of an OAuth2 account', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    browser = await launch();
    page = await adminPage(browser, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it('is auto by default, set to OAUTHBEARER in the form, used by the test and the send', async () => {
    const api = await apiSession(product.url);
    // A grant made on the mock's side, as if the admin had signed in there.
    const grant = (await (
      await fetch(`${product.mockUrl}/api/oauth/grants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: IDENTITY }),
      })
    ).json()) as { refresh_token: string };
    const created = await api('POST', '/accounts', {
      name: 'SASL shop',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: IDENTITY },
        auth: {
          method: 'oauth2',
          username: IDENTITY,
          clientId: 'mock-client',
          tokenUrl: `${product.mockUrl}/oauth/token`,
          refreshToken: grant.refresh_token,
        },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ outgoing: { auth: { mechanism: 'auto' } } });
    const id = String(created.body.id);

    await page.goto(`${product.url}/accounts/${id}/edit`);
    const select = page.getByLabel('SASL mechanism');
    expect(await select.inputValue()).toBe('auto');
    await select.selectOption('oauthbearer');
    await select.scrollIntoViewIfNeeded();
    await screenshot(page, '50-sasl-mechanism-form');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save & close' }).press('Enter');
    await page.waitForURL(new RegExp(`/accounts/${id}$`));
    const saved = await api('GET', `/accounts/${id}`);
    expect(saved.body).toMatchObject({ outgoing: { auth: { method: 'oauth2', mechanism: 'oauthbearer' } } });

    await page.getByRole('button', { name: 'Test outgoing connection' }).click();
    const result = page.getByTestId('test-result');
    await expect
      .poll(async () => (await result.textContent()) ?? '', { timeout: 30_000 })
      .toContain('Connection works');
    // The authenticate step names the mechanism it used.
    expect(await page.locator('main').textContent()).toContain('OAUTHBEARER');
    await screenshot(page, '51-sasl-mechanism-test');

    const sent = await api('POST', '/messages', {
      accountId: id,
      to: ['reader@example.org'],
      subject: 'Over OAUTHBEARER',
      text: 'Signed in with RFC 7628.',
      mode: 'immediate',
    });
    expect(sent.status).toBeLessThan(300);
    expect(sent.body).toMatchObject({ status: 'sent' });
    const found = (await (
      await fetch(`${product.mockUrl}/api/messages?subject=${encodeURIComponent('Over OAUTHBEARER')}`)
    ).json()) as { items: Array<{ authUser?: string }> };
    expect(found.items).toMatchObject([{ authUser: IDENTITY }]);
  });
});
