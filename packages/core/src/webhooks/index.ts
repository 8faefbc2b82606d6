export { type EmitInput, emitEvent, emitEvents } from './emitEvent';
