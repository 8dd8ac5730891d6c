import { Link } from 'react-router';

/** Placeholder for parts of the suite still being built, so links to them never dead-end. */
export function ComingSoonPage({ title, text }: { title: string; text: string }) {
  return (
    <section className="panel narrow coming-soon">
      <h1>{title}</h1>
      <p>
        <span className="badge badge-soon">coming soon</span>
      </p>
      <p className="muted">{text}</p>
      <Link to="/rooms">Meanwhile, try a voice room</Link>
    </section>
  );
}
