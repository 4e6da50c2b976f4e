export type ConnectionStatus = 'connected' | 'reconnecting' | 'unauthorized';
export type ConnectionListener = (status: ConnectionStatus) => void;
