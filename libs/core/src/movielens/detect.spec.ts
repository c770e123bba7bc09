import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { detectFile, detectFiles } from './detect';
import { bytesOf } from './parsers.fixtures';

describe('detectFile', () => {
  it('recognizes every release from the file name and agreeing content', () => {
    expect(detectFile('ratings.dat', bytesOf('1::1193::5::978300760\n'))).toEqual({ kind: 'ratings', release: 'ml-1m', fileName: 'ratings.dat' });
    expect(detectFile('/tmp/x/movies.dat', bytesOf('1::Toy Story (1995)::Animation\n'))).toEqual({ kind: 'movies', release: 'ml-1m', fileName: 'movies.dat' });
    expect(detectFile('C:\\data\\users.dat', bytesOf('1::F::1::10::48067\n')).kind).toBe('users');
    expect(detectFile('u.data', bytesOf('196\t242\t3\t881250949\n'))).toMatchObject({ kind: 'ratings', release: 'ml-100k' });
    expect(detectFile('u1.base', bytesOf('1\t1\t5\t874965758\n'))).toMatchObject({ kind: 'ratings', release: 'ml-100k' });
    expect(detectFile('u.item', new Uint8Array())).toMatchObject({ kind: 'movies', release: 'ml-100k' });
    expect(detectFile('u.user', bytesOf('1|24|M|technician|85711\n'))).toMatchObject({ kind: 'users', release: 'ml-100k' });
    expect(detectFile('ratings.csv', bytesOf('\uFEFFuserId,movieId,rating,timestamp\r\n1,2,3.5,4\r\n'))).toMatchObject({ kind: 'ratings', release: 'ml-csv' });
    expect(detectFile('movies.csv', bytesOf('movieId,title,genres\n'))).toMatchObject({ kind: 'movies', release: 'ml-csv' });
  });

  it('recognizes files with unfamiliar names from their content', () => {
    expect(detectFile('upload-1.txt', bytesOf('1::1193::5::978300760\n'))).toMatchObject({ kind: 'ratings', release: 'ml-1m' });
    expect(detectFile('my.tsv', bytesOf('196\t242\t3\t881250949\n'))).toMatchObject({ kind: 'ratings', release: 'ml-100k' });
    expect(detectFile('films', bytesOf('movieId,title,genres\n1,"A, B (1999)",Drama\n'))).toMatchObject({ kind: 'movies', release: 'ml-csv' });
    expect(detectFile('people', bytesOf('1|24|M|technician|85711\n'))).toMatchObject({ kind: 'users', release: 'ml-100k' });
  });

  it('rejects a file it cannot recognize, naming it', () => {
    expect(() => detectFile('unknown.txt', bytesOf('hello world\n'))).toThrow('unknown.txt: not a MovieLens ratings, movies or users file');
    expect(() => detectFile('blob.bin', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toThrow('blob.bin: binary data, not a MovieLens text file');
    expect(() => detectFile('blob.zip', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]))).toThrow('blob.zip: a zip archive, not a MovieLens text file (decompress it first)');
  });

  it('rejects a name and content that disagree', () => {
    const err = (() => {
      try {
        detectFile('ratings.dat', bytesOf('userId,movieId,rating,timestamp\n'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('ratings.dat: the name says ML-1M ratings but the content looks like CSV ratings');
  });
});

describe('detectFiles', () => {
  it('accepts one file of each kind from one release', () => {
    const files = detectFiles([
      { fileName: 'ratings.dat', head: bytesOf('1::1::5::1\n') },
      { fileName: 'movies.dat', head: bytesOf('1::A (1999)::Drama\n') },
      { fileName: 'users.dat', head: bytesOf('1::F::1::10::48067\n') },
    ]);
    expect(files.map((f) => f.kind)).toEqual(['ratings', 'movies', 'users']);
  });

  it('rejects two files of one kind and mixed releases', () => {
    expect(() =>
      detectFiles([
        { fileName: 'u1.base', head: new Uint8Array() },
        { fileName: 'u1.test', head: new Uint8Array() },
      ]),
    ).toThrow('u1.test: a second ratings file (u1.base is one already)');
    expect(() =>
      detectFiles([
        { fileName: 'ratings.dat', head: new Uint8Array() },
        { fileName: 'movies.csv', head: new Uint8Array() },
      ]),
    ).toThrow('files from different releases: ratings.dat is ML-1M, movies.csv is CSV');
  });
});
