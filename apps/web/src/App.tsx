import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { Route, Routes } from 'react-router';
import { Header } from './components/Header';
import { useSession } from './stores/session';

/** A route's page as its own chunk: a room link loads the room page's code and nothing else. */
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string) {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
}

const HomePage = page(() => import('./pages/HomePage'), 'HomePage');
const RoomsPage = page(() => import('./pages/RoomsPage'), 'RoomsPage');
const SignInPage = page(() => import('./pages/SignInPage'), 'SignInPage');
const SignUpPage = page(() => import('./pages/SignUpPage'), 'SignUpPage');
const RoomPage = page(() => import('./pages/RoomPage'), 'RoomPage');
const ConnectivityPage = page(() => import('./pages/ConnectivityPage'), 'ConnectivityPage');
const ChannelPage = page(() => import('./pages/ChannelPage'), 'ChannelPage');
const StudioPage = page(() => import('./pages/StudioPage'), 'StudioPage');
const DjPage = page(() => import('./pages/DjPage'), 'DjPage');
const ComingSoonPage = lazy(() => import('./pages/ComingSoonPage').then((m) => ({ default: m.ComingSoonPage })));
const NotFoundPage = page(() => import('./pages/NotFoundPage'), 'NotFoundPage');

export function App() {
  const load = useSession((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/rooms" element={<RoomsPage />} />
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/r/:roomId" element={<RoomPage />} />
            <Route path="/connectivity" element={<ConnectivityPage />} />
            {/* The page's old address, kept for links and bookmarks. */}
            <Route path="/connectivity.html" element={<ConnectivityPage />} />
            <Route path="/watch" element={<ComingSoonPage title="Watch parties" text="Watch videos together, in sync." />} />
            <Route path="/dj" element={<DjPage />} />
            <Route path="/studio" element={<StudioPage />} />
            <Route path="/c/:handle" element={<ChannelPage />} />
            <Route path="/library" element={<ComingSoonPage title="My library" text="Your own music, streamed anywhere." />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
