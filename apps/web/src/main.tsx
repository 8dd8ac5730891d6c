import { boot } from './boot';
import './styles.css';

// The entry is small on purpose: it starts the session check (and, on a room link, the socket,
// the join and the room's code) first, then loads React and the app.
void boot().finally(() => import('./render'));
