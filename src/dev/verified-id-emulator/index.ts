// The local Microsoft Entra Verified ID Request Service: start it, and drive its wallet holders.

export { type PresentInput, type PresentResult, startVerifiedIdEmulator, type VerifiedIdEmulator, type VerifiedIdEmulatorOptions, type WalletPerson } from './verified-id-emulator.js';
