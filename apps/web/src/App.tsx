import { lazy, Suspense, useEffect } from 'react';
import { Route, Routes } from 'react-router';
import { Header } from './components/Header';
import { ComingSoonPage } from './pages/ComingSoonPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RoomsPage } from './pages/RoomsPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { useSession } from './stores/session';

// The room page carries mediasoup-client and socket.io; load them only when entering a room.
const RoomPage = lazy(() => import('./pages/RoomPage').then((m) => ({ default: m.RoomPage })));

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
            <Route path="/watch" element={<ComingSoonPage title="Watch parties" text="Watch videos together, in sync." />} />
            <Route path="/dj" element={<ComingSoonPage title="DJ channels" text="Live DJ sets for everyone listening." />} />
            <Route path="/library" element={<ComingSoonPage title="My library" text="Your own music, streamed anywhere." />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
