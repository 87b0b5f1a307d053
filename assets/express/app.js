// The app of Logto's guide "Twilio sign-in with Express", written out by logto-twilio.
// Configuration comes from .env (loaded by `npm start`, which runs `node --env-file=.env app.js`).
import { handleAuthRoutes, withLogto, UserScope } from '@logto/express';
import cookieParser from 'cookie-parser';
import express from 'express';
import session from 'express-session';

const required = ['LOGTO_ENDPOINT', 'LOGTO_APP_ID', 'LOGTO_APP_SECRET', 'BASE_URL', 'SESSION_SECRET'];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`Missing in .env: ${missing.join(', ')}. Run it with: npm start`);
  process.exit(1);
}

const baseUrl = process.env.BASE_URL.replace(/\/+$/, '');

const config = {
  endpoint: process.env.LOGTO_ENDPOINT,
  appId: process.env.LOGTO_APP_ID,
  appSecret: process.env.LOGTO_APP_SECRET,
  baseUrl, // the sign-in callback is `${baseUrl}/logto/sign-in-callback`
  scopes: [UserScope.Phone], // adds phone_number and phone_number_verified to the ID token
};

const app = express();
app.use(cookieParser());
app.use(
  session({
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 14 * 24 * 60 * 60 * 1000 },
  }),
);
// /logto/sign-in, /logto/sign-in-callback, /logto/sign-out (and /logto/sign-up).
app.use(handleAuthRoutes(config));

const escapeHtml = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

app.get('/', withLogto(config), (request, response) => {
  response.setHeader('content-type', 'text/html; charset=utf-8');
  const { user } = request;
  if (!user.isAuthenticated) {
    response.end(
      '<h1>Logto + Twilio sign-in</h1>' +
        '<p>You are not signed in.</p>' +
        '<p><a id="sign-in" href="/logto/sign-in">Sign In</a></p>',
    );
    return;
  }
  const claims = user.claims ?? {};
  // Logto stores phone numbers as digits only: add the "+" to show E.164.
  const phone = claims.phone_number ? `+${claims.phone_number}` : '(none)';
  response.end(
    '<h1>Logto + Twilio sign-in</h1>' +
      `<p>Hello <code id="sub">${escapeHtml(claims.sub)}</code>, phone: <span id="phone">${escapeHtml(phone)}</span></p>` +
      `<pre id="claims">${escapeHtml(JSON.stringify(claims, null, 2))}</pre>` +
      '<p><a id="sign-out" href="/logto/sign-out">Sign Out</a></p>',
  );
});

const port = Number(new URL(baseUrl).port || 3000);
const host = process.env.HOST || '127.0.0.1';
app.listen(port, host, (error) => {
  if (error) {
    console.error(`Cannot listen on ${host}:${port}: ${error.message}`);
    process.exit(1);
  }
  console.log(`Listening on ${baseUrl} (${host}:${port})`);
});
