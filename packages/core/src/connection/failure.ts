// The failure shapes live with the one failure table; kept here so protocol steps import them as before.
export { type ConnectionErrorInfo, ConnectionFailure } from '../failures/error';
