import { boot } from './boot';
import './styles.css';

// The entry is tiny on purpose: it starts the session check (and, on a room link, the socket
// and the join) first, then loads React and the app beside the room's code.
void boot().finally(() => import('./render'));
