import { VoiceRooms } from '../components/VoiceRooms';

export function RoomsPage() {
  return (
    <>
      <h1>Voice rooms</h1>
      <VoiceRooms />
    </>
  );
}
