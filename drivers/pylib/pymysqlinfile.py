"""pymysqlinfile.py - LOAD DATA LOCAL in the drivers over PyMySQL
(pymysql, sqlalchemy) and aiomysql: the connector's file sender
replaced, once, by one that opens the file the server names only
beneath the connection's directories (gadriver.open_beneath), on every
connection.  A connection's directories are its connect's
"local_infile" (bound() puts them on the connection object); a
connection without any, whatever its connect() keywords said, sends no
file: the server's request is refused and the statement fails with
gadriver.LocalInfileRefused.
"""

import gadriver


def bound(conn, dirs):
    """The directories conn's LOAD DATA LOCAL may read beneath."""
    conn._ga_infile = tuple(dirs)
    return conn


def _dirs(conn):
    return getattr(conn, "_ga_infile", ())


def install_pymysql(pymysql):
    """PyMySQL's LoadLocalFile (read by its result reader as a global of
    pymysql.connections) replaced by the bounded one."""
    base = pymysql.connections.LoadLocalFile

    class BoundedLoadLocalFile(base):
        def send_data(self):
            conn = self.connection
            if not conn._sock:
                raise pymysql.err.InterfaceError(0, "")
            try:
                with gadriver.open_beneath(_dirs(conn), self.filename) as f:
                    size = min(conn.max_allowed_packet, 16 * 1024)
                    while True:
                        chunk = f.read(size)
                        if not chunk:
                            break
                        conn.write_packet(chunk)
            finally:
                # the empty packet ends the file, sent or refused
                conn.write_packet(b"")

    pymysql.connections.LoadLocalFile = BoundedLoadLocalFile


def install_aiomysql(aiomysql_connection):
    """aiomysql's LoadLocalFile (a global of aiomysql.connection, which
    sends whatever file the server names, local_infile or not) replaced
    by one whose file is opened by gadriver.open_beneath."""
    base = aiomysql_connection.LoadLocalFile

    class BoundedLoadLocalFile(base):
        def _open_file(self):
            dirs = _dirs(self.connection)

            def opener(filename):
                self._file_object = gadriver.open_beneath(dirs, filename)

            return self._loop.run_in_executor(self._executor, opener,
                                              self.filename)

    aiomysql_connection.LoadLocalFile = BoundedLoadLocalFile
