import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { onError, problem } from './lib/problem';
import type { AppDeps } from './lib/types';
import { mountDocs, mountWeb } from './lib/web';
import { auth } from './middleware/auth';
import { loginLimiter } from './middleware/loginLimiter';
import { urlText } from './middleware/urlText';
import { utf8Body } from './middleware/utf8Body';
import { accountRoutes } from './routes/accounts';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { connectionRoutes } from './routes/connection';
import { defaultRoutes } from './routes/defaults';
import { inboxRoutes } from './routes/inbox';
import { logRoutes } from './routes/logs';
import { messageRoutes } from './routes/messages';
import { oauthRoutes } from './routes/oauth';
import { providerRoutes } from './routes/providers';
import { reportRoutes } from './routes/reports';
import { suppressionRoutes } from './routes/suppressions';
import { systemRoutes } from './routes/system';
import { verificationRoutes } from './routes/verification';
import { webhookRoutes } from './routes/webhooks';

export const API_VERSION = '0.1.0';

/** Builds the HTTP app: /api/v1 (JSON, auth), /api/openapi.json, /api/docs, /healthz, /readyz, /metrics and the UI. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  app.onError(onError);
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.route('/', systemRoutes);

  const v1 = new OpenAPIHono();
  v1.use(
    '*',
    bodyLimit({
      maxSize: 30 * 1024 * 1024,
      onError: (c) => problem(c, 413, 'payload_too_large', 'The request body is larger than 30 MB'),
    }),
  );
  v1.use(
    '/auth/login',
    loginLimiter({
      trustProxy: deps.trustProxy ?? false,
      ...(deps.loginSleep ? { sleep: deps.loginSleep } : {}),
    }),
  );
  v1.use('*', auth({ publicPaths: ['/api/v1/auth/login', '/api/v1/oauth/callback'] }));
  v1.use('*', urlText());
  v1.use('*', utf8Body());
  v1.route('/', authRoutes);
  v1.route('/', accountRoutes);
  v1.route('/', defaultRoutes);
  v1.route('/', adminRoutes);
  v1.route('/', reportRoutes);
  v1.route('/', inboxRoutes);
  v1.route('/', messageRoutes);
  v1.route('/', verificationRoutes);
  v1.route('/', connectionRoutes);
  v1.route('/', logRoutes);
  v1.route('/', suppressionRoutes);
  v1.route('/', webhookRoutes);
  v1.route('/', oauthRoutes);
  v1.route('/', providerRoutes);
  // Routes of later areas (connection tests, logs, messages, verification) mount here too.
  app.route('/api/v1', v1);
  app.notFound((c) => problem(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'mailroom_session',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Mailroom API',
      version: API_VERSION,
      description:
        'Mail accounts, defaults, routing, sending and logs. Authenticate with `Authorization: Bearer <token>` or the session cookie (then send `X-CSRF-Token` on changes). Errors are RFC 9457 problem+json.',
    },
  });
  mountDocs(app);
  mountWeb(app, deps.webDist);
  return app;
}
