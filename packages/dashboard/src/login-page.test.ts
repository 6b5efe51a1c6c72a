import { describe, expect, it } from 'vitest';
import { escapeHtml, loginPage } from './login-page.ts';

describe('loginPage', () => {
  it('asks for a token, posting to /login', () => {
    const page = loginPage();
    expect(page).toMatch(/<form method="post" action="\/login">/);
    expect(page).toMatch(/<input type="password" name="token"/);
    expect(page).not.toMatch(/login-error/);
  });

  it('says why the last attempt failed, escaped', () => {
    const page = loginPage({ error: 'wrong <token> & "more"' });
    expect(page).toContain('wrong &#60;token&#62; &#38; &#34;more&#34;');
    expect(page).not.toContain('<token>');
  });

  it('on a hub without tokens offers no form and says where the dashboard opens', () => {
    const page = loginPage({ tokenless: true });
    expect(page).not.toMatch(/<form/);
    expect(page).toMatch(/private networks/);
  });

  it('escapes every character that could leave an element or an attribute', () => {
    expect(escapeHtml(`<a href='x'>"&"</a>`)).toBe('&#60;a href=&#39;x&#39;&#62;&#34;&#38;&#34;&#60;/a&#62;');
  });
});
