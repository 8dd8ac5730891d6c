import { Link } from 'react-router';

const FEATURES = [
  { to: '/rooms', title: 'Voice rooms', text: 'Talk with friends in real time.' },
  { to: '/watch', title: 'Watch parties', text: 'Upload a video, start a party, watch it together in sync.' },
  { to: '/dj', title: 'DJ channels', text: 'Broadcast live sets to listeners.' },
  { to: '/library', title: 'My library', text: 'Your music, anywhere.' },
] as const;

/** The suite at a glance. */
export function FeatureCards() {
  return (
    <ul className="cards" aria-label="What you can do">
      {FEATURES.map((f) => (
        <li key={f.to}>
          <Link to={f.to} className="card">
            <span className="card-title">{f.title}</span>
            <span className="card-text">{f.text}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
