import { AgentListResponse, PairingCodeResponse, type AgentView } from '@roomcast/shared';
import { apiRequest, checked } from '../api/http';

export const listAgents = async (): Promise<AgentView[]> => (await checked(AgentListResponse, apiRequest('GET', '/api/library/agents'))).agents;
export const newPairingCode = () => checked(PairingCodeResponse, apiRequest('POST', '/api/library/pairing-codes'));
