import { Link } from 'react-router';

const FEATURES = [
  { to: '/rooms', title: 'Voice rooms', text: 'Talk with friends in real time.', ready: true },
  { to: '/watch', title: 'Watch parties', text: 'Watch a video together, in sync.', ready: false },
  { to: '/dj', title: 'DJ channels', text: 'Broadcast live sets to listeners.', ready: true },
  { to: '/library', title: 'My library', text: 'Your music, anywhere.', ready: false },
] as const;

/** The suite at a glance; parts not built yet say so rather than hide. */
export function FeatureCards() {
  return (
    <ul className="cards" aria-label="What you can do">
      {FEATURES.map((f) => (
        <li key={f.to}>
          <Link to={f.to} className={f.ready ? 'card' : 'card card-soon'}>
            <span className="card-title">
              {f.title}
              {!f.ready && <span className="badge badge-soon">coming soon</span>}
            </span>
            <span className="card-text">{f.text}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
