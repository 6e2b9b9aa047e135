// A real OpenID Connect provider for the single sign-on browser tests: the npm package
// oidc-provider (certified by the OpenID Foundation), on loopback, with a sign-in page of
// its own. Nothing of the protocol is mocked: Parley discovers it, redirects the browser to
// it, exchanges the code, checks the ID token's signature against its keys, reads userinfo.
//
// Configured by environment variables (set by tests/e2e/test_sso.py):
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI
//   OIDC_ACCOUNTS  JSON: {"<sub>": {"email": ..., "email_verified": true, "name": ...}, ...}
// Listens on 127.0.0.1 on a free port and prints "READY <port>" once it answers.
//
// The sign-in page lists the accounts and has a box "I used my second factor": ticked, the
// ID token's `amr` claim is ["pwd", "otp"]; unticked, ["pwd"].

import http from "node:http";
import { once } from "node:events";
import Provider from "oidc-provider";

const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const server = http.createServer();
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  // amr (and auth_time) go into the ID token only when a granted scope lists them.
  claims: {
    openid: ["sub", "amr", "auth_time"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["test-only-cookie-key"] },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signInPage(uid) {
  const options = Object.entries(accounts)
    .map(([sub, a]) => `<option value="${escape(sub)}">${escape(a.email)}</option>`)
    .join("");
  return `<!doctype html><html lang="en"><head><title>Corp identity provider</title></head>
<body><h1>Corp identity provider</h1>
<form method="post" action="/interaction/${uid}/login">
<label for="account">Account</label><select id="account" name="account">${options}</select>
<label><input type="checkbox" name="second_factor" value="yes"> I used my second factor</label>
<button type="submit">Continue</button></form></body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "POST" && req.url.endsWith("/login")) {
    const form = await readForm(req);
    const amr = form.get("second_factor") === "yes" ? ["pwd", "otp"] : ["pwd"];
    const login = { accountId: form.get("account"), amr };
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === "consent") {
    // The test's client is first-party: consent is given without a page.
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: details.params.client_id,
    });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, {
      mergeWithLastSubmission: true,
    });
  }
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.end(signInPage(details.uid));
}

const callback = provider.callback();
server.on("request", (req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});
console.log(`READY ${port}`);
