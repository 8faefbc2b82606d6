export default function Logs() {
  return <h1>Logs</h1>;
}
