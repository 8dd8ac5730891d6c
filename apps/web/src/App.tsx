import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { EmailBanner } from './components/EmailBanner';
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
const VideosPage = page(() => import('./pages/VideosPage'), 'VideosPage');
const PartyPage = page(() => import('./pages/PartyPage'), 'PartyPage');
const NewPartyPage = page(() => import('./pages/PartyPage'), 'NewPartyPage');
const ConnectivityPage = page(() => import('./pages/ConnectivityPage'), 'ConnectivityPage');
const LibraryPage = page(() => import('./pages/LibraryPage'), 'LibraryPage');
const ChannelPage = page(() => import('./pages/ChannelPage'), 'ChannelPage');
const StudioPage = page(() => import('./pages/StudioPage'), 'StudioPage');
const DjPage = page(() => import('./pages/DjPage'), 'DjPage');
const NotFoundPage = page(() => import('./pages/NotFoundPage'), 'NotFoundPage');
const ConfirmEmailPage = page(() => import('./pages/ConfirmEmailPage'), 'ConfirmEmailPage');
const ForgotPasswordPage = page(() => import('./pages/ForgotPasswordPage'), 'ForgotPasswordPage');
const ResetPasswordPage = page(() => import('./pages/ResetPasswordPage'), 'ResetPasswordPage');
const MailboxPage = page(() => import('./pages/MailboxPage'), 'MailboxPage');
const AccountPage = page(() => import('./pages/AccountPage'), 'AccountPage');
const AdminPage = page(() => import('./pages/AdminPage'), 'AdminPage');

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
      <EmailBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/rooms" element={<RoomsPage />} />
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/confirm-email" element={<ConfirmEmailPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/admin/mailbox" element={<MailboxPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/admin" element={<AdminPage />} />
            <Route path="/r/:roomId" element={<RoomPage />} />
            <Route path="/party/new" element={<NewPartyPage />} />
            <Route path="/party/:roomId" element={<PartyPage />} />
            <Route path="/connectivity" element={<ConnectivityPage />} />
            <Route path="/videos" element={<VideosPage />} />
            {/* The page's old address, kept for links and bookmarks. */}
            <Route path="/connectivity.html" element={<ConnectivityPage />} />
            {/* A party starts from one of my videos: the watch card leads there. */}
            <Route path="/watch" element={<Navigate to="/videos" replace />} />
            <Route path="/dj" element={<DjPage />} />
            <Route path="/studio" element={<StudioPage />} />
            <Route path="/c/:handle" element={<ChannelPage />} />
            <Route path="/library" element={<LibraryPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
