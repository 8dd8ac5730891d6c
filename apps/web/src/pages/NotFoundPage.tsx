import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="panel narrow">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link to="/">Back home</Link>
    </section>
  );
}
