import { Navigate, Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { render } from 'solid-js/web';
import { Shell } from './components/Shell';
import AccountsList from './routes/AccountsList';
import './styles.css';

// zod (loaded with the lazy routes) reads this global config when it first loads. The API's
// Content-Security-Policy forbids eval; jitless stops zod probing `new Function`, which the
// browser would report as a CSP violation even though zod catches it.
(globalThis as { __zod_globalConfig?: Record<string, unknown> }).__zod_globalConfig = { jitless: true };

// The accounts list is the landing screen, so it ships in the entry chunk; every other screen
// is a lazy chunk, which keeps the first load small (bench/web-bundle.mjs measures it).
const Login = lazy(() => import('./routes/Login'));
const AccountForm = lazy(() => import('./routes/AccountForm'));
const AccountDetails = lazy(() => import('./routes/AccountDetails'));
const Defaults = lazy(() => import('./routes/Defaults'));
const Logs = lazy(() => import('./routes/Logs'));
const Outbox = lazy(() => import('./routes/Outbox'));
const Inbox = lazy(() => import('./routes/Inbox'));
const Reports = lazy(() => import('./routes/Reports'));
const Suppressions = lazy(() => import('./routes/Suppressions'));
const Webhooks = lazy(() => import('./routes/Webhooks'));
const Tokens = lazy(() => import('./routes/admin/Tokens'));
const Users = lazy(() => import('./routes/admin/Users'));
const Teams = lazy(() => import('./routes/admin/Teams'));
const NotFound = lazy(() => import('./routes/NotFound'));

render(
  () => (
    <Router>
      <Route path="/login" component={Login} />
      <Route path="/" component={Shell}>
        <Route path="/" component={() => <Navigate href="/accounts" />} />
        <Route path="/accounts" component={AccountsList} />
        <Route path="/accounts/new" component={AccountForm} />
        <Route path="/accounts/:id" component={AccountDetails} />
        <Route path="/accounts/:id/edit" component={AccountForm} />
        <Route path="/defaults" component={Defaults} />
        <Route path="/logs" component={Logs} />
        <Route path="/outbox/:id?" component={Outbox} />
        <Route path="/inbox/:id?" component={Inbox} />
        <Route path="/reports" component={Reports} />
        <Route path="/suppressions" component={Suppressions} />
        <Route path="/webhooks" component={Webhooks} />
        <Route path="/admin/tokens" component={Tokens} />
        <Route path="/admin/users" component={Users} />
        <Route path="/admin/teams" component={Teams} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  ),
  document.getElementById('root')!,
);
