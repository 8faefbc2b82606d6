import { A } from '@solidjs/router';

export default function NotFound() {
  return (
    <div class="card empty">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <A class="btn primary" href="/accounts">
        Go to mail accounts
      </A>
    </div>
  );
}
