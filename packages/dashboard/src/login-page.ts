/** What the login form says besides asking for a token. */
export interface LoginPageOptions {
  /** Why the last attempt failed (a wrong token). */
  error?: string;
  /** No token is configured: there is nothing to log in with, and the page says where the dashboard opens. */
  tokenless?: boolean;
}

/**
 * The dashboard's login form (`POST /login` with the field `token`), as a whole HTML page. Texts are escaped.
 *
 * @example
 * loginPage({ error: 'this token is not one of the hub’s' }); // '<!doctype html>…'
 */
export function loginPage(options: LoginPageOptions = {}): string {
  const { error, tokenless = false } = options;
  const body = tokenless
    ? `<p>This hub has no tokens configured (<code>app.service.tokens</code>): its dashboard opens without a login from
this machine and from private networks only, and not from where you are.</p>`
    : `<form method="post" action="/login">
<label>Token <input type="password" name="token" id="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button>
</form>
<p class="muted">A token of <code>app.service.tokens</code> with the <code>read</code> scope (or one without scopes).</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Log in · Janitor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<main class="login">
<h1>Janitor</h1>
${error === undefined ? '' : `<p class="problem" role="alert" id="login-error">${escapeHtml(error)}</p>\n`}${body}
</main>
</body>
</html>
`;
}

/** Text made safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
